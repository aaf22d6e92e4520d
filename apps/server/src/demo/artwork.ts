import sharp from 'sharp';
import { itemAt, pick, seedOf, seededRandom } from '@yeet/domain/random';

/**
 * Cover art for the demo recipes, drawn here (no photos from anywhere): the dish in what it
 * is served in — a drink in a glass, tea in a cup, bread as a loaf, a stew in a bowl, a bake
 * in a tray, the rest on a plate — with its "ingredients" in the dish's own palette.
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

export const dishKinds = ['glass', 'cup', 'loaf', 'tray', 'bowl', 'plate'] as const;
export type DishKind = (typeof dishKinds)[number];

// Tags that mean the dish comes in a bowl (or a ramekin, which reads as one from above).
const bowlTags = ['soup', 'stew', 'curry', 'noodles', 'salad', 'dip', 'bowls', 'rice', 'pasta', 'custard'];

/** What a recipe is served in, from its meal types and tags. */
export function dishKind(recipe: { mealTypes: readonly string[]; tags: readonly string[] }): DishKind {
  const tags = new Set(recipe.tags);
  if (recipe.mealTypes.includes('drink')) return tags.has('tea') ? 'cup' : 'glass';
  if (tags.has('bread') && !tags.has('flatbread')) return 'loaf';
  if (tags.has('baking') && !tags.has('custard')) return 'tray';
  if (bowlTags.some((t) => tags.has(t))) return 'bowl';
  return 'plate';
}

type Rand = () => number;
type Palette = (typeof palettes)[number];
const f = (n: number) => n.toFixed(1);

/** Pieces of food scattered within `radius` of a centre, in the palette's colours. */
function scatter(rand: Rand, palette: Palette, cx: number, cy: number, radius: number, count: number, bed: string): string[] {
  return Array.from({ length: count }, () => {
    const angle = rand() * Math.PI * 2;
    const distance = Math.sqrt(rand()) * radius;
    const x = cx + Math.cos(angle) * distance;
    const y = cy + Math.sin(angle) * distance;
    const size = 22 + rand() * 54;
    const colour = pick(
      rand,
      palette.food.filter((c) => c !== bed),
    );
    return rand() < 0.5
      ? `<circle cx="${f(x)}" cy="${f(y)}" r="${f(size / 2)}" fill="${colour}" opacity="0.92"/>`
      : `<ellipse cx="${f(x)}" cy="${f(y)}" rx="${f(size * 0.7)}" ry="${f(size * 0.32)}" fill="${colour}" transform="rotate(${Math.round(rand() * 360)} ${f(x)} ${f(y)})"/>`;
  });
}

/** A soft heap of overlapping blobs in one colour: the bulk of the food. */
function bed(rand: Rand, cx: number, cy: number, size: number, colour: string): string {
  const blobs = Array.from({ length: 9 }, () => {
    const a = rand() * Math.PI * 2;
    const d = rand() * size * 0.25;
    return `<circle cx="${f(cx + Math.cos(a) * d)}" cy="${f(cy + Math.sin(a) * d)}" r="${f(size * (0.32 + rand() * 0.18))}" fill="${colour}"/>`;
  });
  return `<g opacity="0.9" filter="url(#soft)">${blobs.join('')}</g>`;
}

function herbs(rand: Rand, cx: number, cy: number, spread: number): string {
  return Array.from({ length: 6 + Math.floor(rand() * 8) }, () => {
    const x = cx + (rand() - 0.5) * spread;
    const y = cy + (rand() - 0.5) * spread;
    return `<path d="M${x.toFixed(0)} ${y.toFixed(0)} q 9 -16 20 0 q -11 14 -20 0z" fill="#166534" opacity="0.85"/>`;
  }).join('');
}

/** Each vessel with its food, drawn around (cx, cy) with `size` as its scale. */
const vessels: Record<DishKind, (rand: Rand, p: Palette, cx: number, cy: number, size: number) => string> = {
  plate: (rand, p, cx, cy, size) => {
    const colour = itemAt(p.food, Math.floor(rand() * 2));
    return `<circle cx="${cx + 14}" cy="${cy + 18}" r="${size}" fill="#000" opacity="0.18"/>
<circle cx="${cx}" cy="${cy}" r="${size}" fill="url(#china)"/>
<circle cx="${cx}" cy="${cy}" r="${size * 0.78}" fill="none" stroke="#d6d3d1" stroke-width="4"/>
${bed(rand, cx, cy, size, colour)}${scatter(rand, p, cx, cy, size * 0.72, 28 + Math.floor(rand() * 24), colour).join('')}${herbs(rand, cx, cy, size * 1.2)}`;
  },
  bowl: (rand, p, cx, cy, size) => {
    const broth = itemAt(p.food, Math.floor(rand() * 2));
    return `<circle cx="${cx + 16}" cy="${cy + 20}" r="${size}" fill="#000" opacity="0.2"/>
<circle cx="${cx}" cy="${cy}" r="${size}" fill="url(#china)"/>
<circle cx="${cx}" cy="${cy}" r="${size * 0.8}" fill="#a8a29e"/>
<circle cx="${cx}" cy="${cy}" r="${size * 0.76}" fill="${broth}"/>
<circle cx="${cx - size * 0.15}" cy="${cy - size * 0.2}" r="${size * 0.45}" fill="#fff" opacity="0.12"/>
${scatter(rand, p, cx, cy, size * 0.55, 14 + Math.floor(rand() * 10), broth).join('')}${herbs(rand, cx, cy, size * 0.8)}`;
  },
  tray: (rand, p, cx, cy, size) => {
    const w = size * 2.3;
    const h = size * 1.6;
    const x = cx - w / 2;
    const y = cy - h / 2;
    const top = itemAt(p.food, Math.floor(rand() * 2));
    const crust = Array.from({ length: 40 }, () => {
      const px = x + 30 + rand() * (w - 60);
      const py = y + 30 + rand() * (h - 60);
      return `<circle cx="${f(px)}" cy="${f(py)}" r="${f(8 + rand() * 22)}" fill="#7c2d12" opacity="${(0.15 + rand() * 0.25).toFixed(2)}"/>`;
    });
    return `<rect x="${x + 18}" y="${y + 22}" width="${w}" height="${h}" rx="36" fill="#000" opacity="0.2"/>
<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="36" fill="#57534e"/>
<rect x="${x + 18}" y="${y + 18}" width="${w - 36}" height="${h - 36}" rx="22" fill="${top}"/>
${crust.join('')}${herbs(rand, cx, cy, size * 1.4)}`;
  },
  loaf: (rand, _p, cx, cy, size) => {
    const w = size * 2.1;
    const h = size * 1.1;
    const left = cx - w / 2;
    const base = cy + h / 2;
    const n = 3 + Math.floor(rand() * 2);
    const cuts = Array.from({ length: n }, (_, i) => {
      const x = left + (w * (i + 1)) / (n + 1);
      return `<path d="M${f(x - 40)} ${f(base - h * 0.75)} q 40 -30 80 0" fill="none" stroke="#fde68a" stroke-width="10" stroke-linecap="round" opacity="0.8"/>`;
    });
    return `<rect x="${cx - w * 0.65}" y="${base - 10}" width="${w * 1.3}" height="70" rx="18" fill="#a16207"/>
<ellipse cx="${cx + 12}" cy="${base + 4}" rx="${w / 2}" ry="24" fill="#000" opacity="0.2"/>
<path d="M${f(left)} ${f(base)} C ${f(left - 10)} ${f(base - h * 1.2)}, ${f(left + w + 10)} ${f(base - h * 1.2)}, ${f(left + w)} ${f(base)} Z" fill="url(#crust)"/>
${cuts.join('')}`;
  },
  glass: (rand, p, cx, cy, size) => {
    const top = size * 1.0;
    const bottom = size * 0.7;
    const h = size * 1.7;
    const y = cy - h / 2 + 30;
    const drink = pick(rand, p.food);
    const fill = y + h * (0.18 + rand() * 0.1);
    const ice = Array.from({ length: 3 }, (_, i) => {
      const x = cx - top * 0.5 + i * top * 0.35 + rand() * 20;
      return `<rect x="${f(x)}" y="${f(fill + 10 + rand() * 40)}" width="70" height="70" rx="12" fill="#fff" opacity="0.35" transform="rotate(${Math.round(rand() * 40 - 20)} ${f(x + 35)} ${f(fill + 45)})"/>`;
    });
    return `<ellipse cx="${cx + 10}" cy="${y + h + 6}" rx="${bottom * 1.1}" ry="26" fill="#000" opacity="0.22"/>
<path d="M${cx - top} ${y} L${cx + top} ${y} L${cx + bottom} ${y + h} L${cx - bottom} ${y + h} Z" fill="#fff" opacity="0.25"/>
<path d="M${f(cx - top + (fill - y) * ((top - bottom) / h))} ${f(fill)} L${f(cx + top - (fill - y) * ((top - bottom) / h))} ${f(fill)} L${cx + bottom} ${y + h} L${cx - bottom} ${y + h} Z" fill="${drink}"/>
${ice.join('')}
<circle cx="${cx + top * 0.8}" cy="${y + 10}" r="${size * 0.28}" fill="#84cc16" stroke="#f7fee7" stroke-width="10"/>
<rect x="${cx - 8}" y="${y - size * 0.5}" width="16" height="${size * 1.2}" rx="8" fill="#f8fafc" transform="rotate(14 ${cx} ${y})"/>`;
  },
  cup: (rand, p, cx, cy, size) => {
    const w = size * 1.5;
    const h = size * 1.2;
    const y = cy - h / 2;
    const tea = pick(rand, p.food);
    const steam = [-1, 0, 1].map(
      (i) =>
        `<path d="M${f(cx + i * w * 0.25)} ${f(y - 30)} q -30 -50 0 -100 q 30 -50 0 -100" fill="none" stroke="#fff" stroke-width="12" stroke-linecap="round" opacity="0.35"/>`,
    );
    return `<ellipse cx="${cx}" cy="${y + h + 10}" rx="${w * 0.9}" ry="40" fill="url(#china)"/>
<path d="M${cx + w / 2 - 10} ${y + h * 0.25} c ${size * 0.7} 0, ${size * 0.7} ${h * 0.55}, 0 ${h * 0.55}" fill="none" stroke="#f5f5f4" stroke-width="26"/>
<path d="M${cx - w / 2} ${y} L${cx + w / 2} ${y} C ${cx + w / 2} ${y + h}, ${cx + w * 0.3} ${y + h}, ${cx} ${y + h} C ${cx - w * 0.3} ${y + h}, ${cx - w / 2} ${y + h}, ${cx - w / 2} ${y} Z" fill="url(#china)"/>
<ellipse cx="${cx}" cy="${y}" rx="${w / 2}" ry="34" fill="#e7e5e4"/>
<ellipse cx="${cx}" cy="${y + 4}" rx="${w / 2 - 14}" ry="24" fill="${tea}"/>
${steam.join('')}`;
  },
};

export function artworkSvg(title: string, kind: DishKind = 'plate', width = 1200, height = 900): string {
  const seed = seedOf(title);
  const rand = seededRandom(seed);
  const palette = itemAt(palettes, seed);
  // whole pixels: the drawings add to these in their markup
  const cx = Math.round(width / 2 + (rand() - 0.5) * 80);
  const cy = Math.round(height / 2 + (rand() - 0.5) * 60);
  const size = Math.round(Math.min(width, height) * (0.36 + rand() * 0.06));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<defs>
  <linearGradient id="table" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${palette.table[0]}"/><stop offset="1" stop-color="${palette.table[1]}"/></linearGradient>
  <radialGradient id="china" cx="0.45" cy="0.4" r="0.7"><stop offset="0" stop-color="#ffffff"/><stop offset="1" stop-color="#e7e5e4"/></radialGradient>
  <linearGradient id="crust" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#b45309"/><stop offset="1" stop-color="#78350f"/></linearGradient>
  <filter id="soft"><feGaussianBlur stdDeviation="6"/></filter>
</defs>
<rect width="${width}" height="${height}" fill="url(#table)"/>
${vessels[kind](rand, palette, cx, cy, size)}
</svg>`;
}

/** The artwork as a JPEG, like a photo someone would upload. */
export function artworkJpeg(title: string, kind: DishKind = 'plate'): Promise<Buffer> {
  return sharp(Buffer.from(artworkSvg(title, kind)))
    .jpeg({ quality: 84 })
    .toBuffer();
}
