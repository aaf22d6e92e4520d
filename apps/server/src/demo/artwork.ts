import sharp from 'sharp';
import { itemAt, pick, seedOf, seededRandom } from '@yeet/domain/random';

/**
 * Cover art for the demo recipes, drawn here (no photos from anywhere): a plate on a
 * table, seen from above, with a scatter of "ingredients" in the dish's own palette.
 * Deterministic per title, so every install shows the same pictures.
 */
const palettes = [
  { table: ['#7c2d12', '#b45309'], food: ['#dc2626', '#f59e0b', '#65a30d', '#fde68a'] },
  { table: ['#1e3a8a', '#3b82f6'], food: ['#f97316', '#facc15', '#16a34a', '#fef3c7'] },
  { table: ['#14532d', '#15803d'], food: ['#e11d48', '#fbbf24', '#a3e635', '#ffedd5'] },
  { table: ['#4c1d95', '#7c3aed'], food: ['#fb923c', '#fde047', '#22c55e', '#fce7f3'] },
  { table: ['#78350f', '#d97706'], food: ['#b91c1c', '#84cc16', '#f5f5f4', '#facc15'] },
  { table: ['#134e4a', '#0d9488'], food: ['#f43f5e', '#eab308', '#bef264', '#fff7ed'] },
  { table: ['#3f3f46', '#71717a'], food: ['#ea580c', '#fcd34d', '#4ade80', '#fecaca'] },
  { table: ['#881337', '#e11d48'], food: ['#fbbf24', '#f8fafc', '#65a30d', '#fb7185'] },
];

export function artworkSvg(title: string, width = 1200, height = 900): string {
  const seed = seedOf(title);
  const rand = seededRandom(seed);
  const palette = itemAt(palettes, seed);
  const cx = width / 2 + (rand() - 0.5) * 80;
  const cy = height / 2 + (rand() - 0.5) * 60;
  const plate = Math.min(width, height) * (0.36 + rand() * 0.06);
  // the food itself: a bed of overlapping blobs in one colour, then pieces on top
  const bedColour = itemAt(palette.food, Math.floor(rand() * 2));
  const bed = Array.from({ length: 9 }, () => {
    const a = rand() * Math.PI * 2;
    const d = rand() * plate * 0.25;
    return `<circle cx="${(cx + Math.cos(a) * d).toFixed(1)}" cy="${(cy + Math.sin(a) * d).toFixed(1)}" r="${(plate * (0.32 + rand() * 0.18)).toFixed(1)}" fill="${bedColour}"/>`;
  });
  const pieces: string[] = [];
  const count = 28 + Math.floor(rand() * 24);
  for (let i = 0; i < count; i++) {
    const angle = rand() * Math.PI * 2;
    const distance = Math.sqrt(rand()) * plate * 0.72;
    const x = cx + Math.cos(angle) * distance;
    const y = cy + Math.sin(angle) * distance;
    const size = 22 + rand() * 54;
    const colour = pick(
      rand,
      palette.food.filter((c) => c !== bedColour),
    );
    const rotation = Math.round(rand() * 360);
    pieces.push(
      rand() < 0.5
        ? `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${(size / 2).toFixed(1)}" fill="${colour}" opacity="0.92"/>`
        : `<ellipse cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" rx="${(size * 0.7).toFixed(1)}" ry="${(size * 0.32).toFixed(1)}" fill="${colour}" transform="rotate(${rotation} ${x.toFixed(1)} ${y.toFixed(1)})"/>`,
    );
  }
  const herbs = Array.from({ length: 6 + Math.floor(rand() * 8) }, () => {
    const x = cx + (rand() - 0.5) * plate * 1.2;
    const y = cy + (rand() - 0.5) * plate * 1.2;
    return `<path d="M${x.toFixed(0)} ${y.toFixed(0)} q 9 -16 20 0 q -11 14 -20 0z" fill="#166534" opacity="0.85"/>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<defs>
  <linearGradient id="table" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${palette.table[0]}"/><stop offset="1" stop-color="${palette.table[1]}"/></linearGradient>
  <radialGradient id="plate" cx="0.45" cy="0.4" r="0.7"><stop offset="0" stop-color="#ffffff"/><stop offset="1" stop-color="#e7e5e4"/></radialGradient>
  <filter id="soft"><feGaussianBlur stdDeviation="6"/></filter>
</defs>
<rect width="${width}" height="${height}" fill="url(#table)"/>
<circle cx="${cx + 14}" cy="${cy + 18}" r="${plate}" fill="#000" opacity="0.18"/>
<circle cx="${cx}" cy="${cy}" r="${plate}" fill="url(#plate)"/>
<circle cx="${cx}" cy="${cy}" r="${plate * 0.78}" fill="none" stroke="#d6d3d1" stroke-width="4"/>
<g opacity="0.9" filter="url(#soft)">${bed.join('')}</g>
${pieces.join('\n')}
${herbs.join('\n')}
</svg>`;
}

/** The artwork as a JPEG, like a photo someone would upload. */
export function artworkJpeg(title: string): Promise<Buffer> {
  return sharp(Buffer.from(artworkSvg(title)))
    .jpeg({ quality: 84 })
    .toBuffer();
}
