export * from './archive-store.ts';
export * from './dir.storage.ts';
export * from './imgproxy.ts';
export * from './s3.storage.ts';
export * from './storage.ts';
export * from './tar.ts';
