/** Text normalisation shared by slugs, tags and cuisines. */

// Letters that Unicode does not decompose into a base letter plus a mark.
const special: Record<string, string> = {
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ß: 'ss',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  þ: 'th',
  ı: 'i',
};

/** Lower-case ASCII approximation: "Crème Brûlée" → "creme brulee". */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[øæœßđðłþı]/g, (c) => special[c] ?? c);
}

/** "Weekend Project!" → "weekend-project". Empty when nothing usable is left. */
export function kebab(text: string): string {
  return fold(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const maxSlugLength = 80;

/** A URL slug from a title, cut at a word boundary. */
export function slugify(title: string): string {
  let slug = kebab(title);
  if (slug.length > maxSlugLength) {
    slug = slug.slice(0, maxSlugLength);
    const lastDash = slug.lastIndexOf('-');
    if (lastDash > 20) slug = slug.slice(0, lastDash);
    slug = slug.replace(/-+$/, '');
  }
  return slug || 'recipe';
}

/** NUL and other control characters (tabs and newlines are fine) have no place in text people read. */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}
