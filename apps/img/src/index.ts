export { DiskCache } from './disk-cache.ts';
export { imagePath, negotiate, registerResizer, render, type ResizerOptions } from './resizer.ts';
