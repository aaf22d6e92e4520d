export { DiskCache } from './disk-cache.ts';
export { renderImage, tuneImageLibrary } from './render.ts';
export { imagePath, registerResizer, type ResizerOptions } from './resizer.ts';
