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
