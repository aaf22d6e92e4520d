export { DiskCache } from './disk-cache.ts';
export { imagePath, negotiate, registerResizer, renderImage, type ResizerOptions } from './resizer.ts';
