export * from './config.ts';
export * from './instrument.ts';
export * from './logger.ts';
export * from './metrics.ts';
export * from './rate-limit.ts';
export * from './seal.ts';
export * from './web-session.ts';
export * from './sign-in.ts';
