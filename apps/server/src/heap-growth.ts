import { setFlagsFromString } from 'node:v8';

/**
 * Bounds how far V8 lets the old generation grow past what survived its last full
 * collection before it collects again: `percent` over it (0 leaves V8's own choice).
 *
 * Under load V8 picks a growing factor of up to 4 (its "high throughput" mode). A busy
 * server promotes much that dies soon after (requests in flight when the young generation
 * is swept), so with ~75 MB live the old generation grew to 110–170 MB before a full
 * collection, and the process past 400 MB (docs/decisions/0039-heap-growth-under-load.md).
 * V8 reads the flag at each collection, so it holds when set at run time; and it is set
 * here, not on the command line, because NODE_OPTIONS refuses it (the image sets its node
 * flags there) and because then `npm start`, the image and the chart all get it alike.
 */
export function boundHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
