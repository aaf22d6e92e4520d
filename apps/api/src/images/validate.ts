import { formatBytes, invalidField, type ImageFormat } from '@yeet/domain';
import sharp, { type Metadata } from 'sharp';

export interface ImageLimits {
  maxBytes: number;
  maxPixels: number;
}

export interface CheckedImage {
  format: ImageFormat;
  /** As displayed, after the EXIF orientation. */
  width: number;
  height: number;
}

const refuse = (why: string) => invalidField('upload', why);

/**
 * Checks an upload by what it is, not what it is called: a JPEG, PNG, WebP or AVIF (HEIC
 * too where the image library can decode it), within the byte and pixel limits, and
 * decodable from end to end. Dimensions are read before decoding, so a decompression bomb
 * (a small file declaring a huge image) is refused without being expanded.
 */
export async function checkImage(bytes: Buffer, limits: ImageLimits): Promise<CheckedImage> {
  if (bytes.length === 0) throw refuse('the upload is empty; send the image bytes first');
  if (bytes.length > limits.maxBytes) throw refuse(`the image is larger than ${formatBytes(limits.maxBytes)}; make it smaller`);
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw refuse('this file is not an image we can read; use JPEG, PNG, WebP or AVIF');
  }
  const format = formatOf(meta);
  if (!format) throw refuse(`${meta.format?.toUpperCase() ?? 'this'} images are not accepted; use JPEG, PNG, WebP or AVIF`);
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (!width || !height) throw refuse('this image has no size; it may be damaged');
  if (width * height > limits.maxPixels) {
    throw refuse(`the image is ${width}×${height} pixels; at most ${Math.round(limits.maxPixels / 1e6)} megapixels are accepted`);
  }
  try {
    // Decode it all (at a small size): catches truncated and corrupt files now, not later.
    await sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'error' })
      .rotate()
      .resize(32, 32, { fit: 'inside' })
      .raw()
      .toBuffer();
  } catch {
    throw refuse(
      format === 'heic'
        ? 'HEIC photos cannot be decoded here; export the photo as JPEG and upload that'
        : 'this image is damaged or incomplete; export it again and upload that',
    );
  }
  const rotated = (meta.orientation ?? 1) >= 5;
  return { format, width: rotated ? height : width, height: rotated ? width : height };
}

function formatOf(meta: Metadata): ImageFormat | null {
  switch (meta.format) {
    case 'jpeg':
    case 'png':
    case 'webp':
      return meta.format;
    case 'heif':
      return meta.compression === 'av1' ? 'avif' : 'heic';
    default:
      return null;
  }
}

/** The colour most of the image is, as "#rrggbb": shown while it loads. */
export async function dominantColour(bytes: Buffer, maxPixels: number): Promise<string> {
  const { dominant } = await sharp(bytes, { limitInputPixels: maxPixels }).stats();
  return `#${[dominant.r, dominant.g, dominant.b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}
