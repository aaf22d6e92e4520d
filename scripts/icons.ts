/**
 * Draws the site's icons into apps/web/public (committed; run again after changing the
 * drawing): the SVG icon, PNGs for the web app manifest and iOS home screens, and
 * favicon.ico for browsers and pages that ask for it by that name (the sign-in pages).
 *
 *   node scripts/icons.ts
 *
 * The drawing is the header's mark, a frying pan with an egg, on the site's accent colour.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

const out = path.resolve(import.meta.dirname, '../apps/web/public');

/**
 * On a 512 square. `fullBleed` is the maskable icon: the background fills the square (the
 * platform cuts its own shape) and the pan stays inside the middle 80%, the safe zone.
 */
function drawing(fullBleed: boolean): string {
  const background = fullBleed
    ? '<rect width="512" height="512" fill="#b4380f"/>'
    : '<rect width="512" height="512" rx="112" fill="#b4380f"/>';
  const scale = fullBleed ? 0.78 : 1;
  const shift = (512 * (1 - scale)) / 2;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">
${background}
<g transform="translate(${shift} ${shift}) scale(${scale})">
<rect x="338" y="44" width="52" height="220" rx="26" fill="#2a1f17" transform="rotate(38 364 154)"/>
<circle cx="226" cy="298" r="170" fill="#2a1f17"/>
<circle cx="226" cy="298" r="146" fill="#44352b"/>
<path d="M150 262c10-58 86-86 136-56 52 30 70 96 30 136-36 38-110 40-148 6-24-22-24-56-18-86z" fill="#fffbeb"/>
<circle cx="236" cy="286" r="44" fill="#f59e0b"/>
<circle cx="222" cy="272" r="12" fill="#fde68a"/>
</g>
</svg>
`;
}

/** A Windows icon file holding PNG images (supported by every browser since IE). */
function ico(images: Array<{ size: number; png: Buffer }>): Buffer {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, i) => {
    const entry = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, entry); // width (0 means 256)
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1); // height
    header.writeUInt8(0, entry + 2); // no palette
    header.writeUInt8(0, entry + 3); // reserved
    header.writeUInt16LE(1, entry + 4); // colour planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(png.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map((i) => i.png)]);
}

const png = (svg: string, size: number) =>
  sharp(Buffer.from(svg), { density: Math.ceil((72 * size) / 512) * 2 })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toBuffer();

const icon = drawing(false);
const maskable = drawing(true);
const files: Record<string, Buffer | string> = {
  'icon.svg': icon,
  'icon-192.png': await png(icon, 192),
  'icon-512.png': await png(icon, 512),
  'icon-maskable-512.png': await png(maskable, 512),
  'apple-touch-icon.png': await png(maskable, 180),
  'favicon.ico': ico(await Promise.all([16, 32, 48].map(async (size) => ({ size, png: await png(icon, size) })))),
};
for (const [name, content] of Object.entries(files)) await writeFile(path.join(out, name), content);
console.log(`wrote ${Object.keys(files).join(', ')} to ${path.relative(process.cwd(), out)}`);
