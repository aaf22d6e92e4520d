import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/** Images made on the spot for tests: each format, EXIF with GPS, and hostile files. */
const base = (width = 400, height = 300) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } }).composite([
    {
      input: Buffer.from(
        `<svg width="${width}" height="${height}"><circle cx="${width * 0.7}" cy="${height / 2}" r="${height / 4}" fill="#2563eb"/></svg>`,
      ),
    },
  ]);

export const fixtures = {
  jpeg: () => base().jpeg().toBuffer(),
  png: () => base().png().toBuffer(),
  webp: () => base().webp().toBuffer(),
  avif: () => base().avif({ effort: 0 }).toBuffer(),
  /** A 200×100 photo stored sideways (EXIF orientation 6) with a GPS position. */
  jpegWithGps: () =>
    base(200, 100)
      .jpeg()
      .withExif({
        IFD0: { Make: 'TestCam' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 3/1' },
      })
      .withMetadata({ orientation: 6 })
      .toBuffer(),
  text: () => Buffer.from('This is a shopping list, not a photo.\n- eggs\n- flour\n'),
  /** Random pixels do not compress: about `bytes` of PNG. */
  large: async (bytes: number) => {
    const side = Math.ceil(Math.sqrt(bytes / 3));
    const noise = Buffer.alloc(side * side * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    return sharp(noise, { raw: { width: side, height: side, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer();
  },
  /** A few hundred bytes that declare a 50 000 × 50 000 image (2.5 gigapixels). */
  pixelBomb: () => {
    const chunk = (type: string, data: Buffer) => {
      const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(data.length);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(body));
      return Buffer.concat([length, body, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(50_000, 0);
    ihdr.writeUInt32BE(50_000, 4);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 0; // greyscale
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(Buffer.alloc(1000))),
      chunk('IEND', Buffer.alloc(0)),
    ]);
  },
};
