import type { OutputFormat, ProcessingOptions } from '@yeet/media';
import sharp from 'sharp';

const positions: Record<ProcessingOptions['gravity'], string | number> = {
  sm: sharp.strategy.attention,
  ce: 'centre',
  no: 'north',
  so: 'south',
  ea: 'east',
  we: 'west',
  nowe: 'northwest',
  noea: 'northeast',
  sowe: 'southwest',
  soea: 'southeast',
};

/**
 * libvips' settings, for the whole process (sharp's are global). Its defaults suit one big
 * batch job, not a server: a thread per core for each render, while IMAGE_CONCURRENCY renders
 * already run side by side (each thread keeps its own buffers, and glibc an arena for it);
 * and an operation cache of 50 MB / 100 operations that never hits here, because every
 * render starts from a new buffer of an original and its results are cached on disk.
 * Measured in bench/memory.ts (docs/decisions/0026-memory-budget.md).
 */
export function tuneImageLibrary(o: { threads: number; vipsCacheMb: number }): void {
  sharp.concurrency(o.threads);
  if (o.vipsCacheMb === 0) sharp.cache(false);
  else sharp.cache({ memory: o.vipsCacheMb, files: 20, items: 100 });
}

/** The image for `options`, as `format`: oriented, resized, metadata stripped. */
export async function renderImage(
  original: Buffer,
  options: ProcessingOptions,
  format: OutputFormat,
  maxPixels: number,
): Promise<Buffer> {
  const image = sharp(original, { limitInputPixels: maxPixels, failOn: 'error' }).rotate();
  if (options.width || options.height) {
    const crop = options.resize === 'fill' || options.resize === 'fill-down' || options.resize === 'auto';
    image.resize({
      width: options.width || undefined,
      height: options.height || undefined,
      fit: options.resize === 'force' ? 'fill' : crop ? 'cover' : 'inside',
      position: positions[options.gravity],
      withoutEnlargement: !options.enlarge,
    });
  }
  const q = options.quality ?? undefined;
  switch (format) {
    case 'avif':
      return image.avif({ quality: q ?? 55, effort: 2 }).toBuffer();
    case 'webp':
      return image.webp({ quality: q ?? 80 }).toBuffer();
    case 'png':
      return image.png().toBuffer();
    case 'jpeg':
      return image.jpeg({ quality: q ?? 82, progressive: true }).toBuffer();
  }
}
