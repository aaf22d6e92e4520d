export * from './config.ts';
export * from './instrument.ts';
export * from './logger.ts';
export * from './metrics.ts';
