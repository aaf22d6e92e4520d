/** Images people attach to recipes. */
export interface ImageRef {
  id: string;
  /** As displayed (after the EXIF orientation). */
  width: number;
  height: number;
  /** "#rrggbb" shown while the image loads; null until processed. */
  placeholder: string | null;
}

export const imageFormats = ['jpeg', 'png', 'webp', 'avif', 'heic'] as const;
export type ImageFormat = (typeof imageFormats)[number];

export const imageContentTypes: Record<string, ImageFormat> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/heic': 'heic',
  'image/heif': 'heic',
};

/** 15728640 → "15 MB", 262144 → "256 KB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
