import { parseDocument } from 'htmlparser2';
import { textContent } from 'domutils';

/**
 * Cleaning for what recipe pages get wrong in their data: HTML and entities inside strings
 * (sometimes encoded twice), odd whitespace, doubled parentheses, durations in ISO 8601 or in
 * words, yields in prose. Pure functions of strings.
 */

const vulgarFractions: Record<string, string> = {
  '½': '1/2',
  '⅓': '1/3',
  '⅔': '2/3',
  '¼': '1/4',
  '¾': '3/4',
  '⅕': '1/5',
  '⅖': '2/5',
  '⅗': '3/5',
  '⅘': '4/5',
  '⅙': '1/6',
  '⅚': '5/6',
  '⅛': '1/8',
  '⅜': '3/8',
  '⅝': '5/8',
  '⅞': '7/8',
};

/** Text of a string that may hold HTML or entities (decoded until stable), on one line. */
export function cleanText(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
  // Entities encoded twice ("&amp;amp;", "&amp;#39;") decode over a few rounds.
  // Only text that holds a tag or an entity is parsed ("Salt & pepper" is text already).
  for (let round = 0; round < 3 && /<[a-z/!]|&(#\d+|#x[\da-f]+|[a-z][a-z\d]*);?/i.test(text); round++) {
    const decoded = textContent(parseDocument(text.replace(/<br\s*\/?>/gi, ' '), { decodeEntities: true }));
    if (decoded === text) break;
    text = decoded;
  }
  return text
    .replace(/[\u00a0\u2007\u202f\u200b\ufeff]/g, ' ')
    .replace(/\(\(([^()]*)\)\)/g, '($1)')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Lines of a text block: HTML line breaks, list items and paragraphs, or newlines. */
export function textLines(value: string): string[] {
  const marked = value
    .replace(/<\s*(br|\/p|\/li|\/div|\/h\d)\s*\/?>/gi, '\n')
    .replace(/\r\n?/g, '\n')
    .replace(/\\n/g, '\n');
  return marked
    .split(/\n+/)
    .map(cleanText)
    .filter((l) => l.length > 0);
}

/** "½ cup" → "1/2 cup", "1½" → "1 1/2". */
export function plainFractions(text: string): string {
  return text.replace(/(\d?)([½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞])/g, (_, whole: string, f: string) =>
    whole ? `${whole} ${vulgarFractions[f]}` : vulgarFractions[f]!,
  );
}

/**
 * Minutes of a duration: ISO 8601 ("PT1H30M", "P0DT0H45M", "PT90M", "P1D"), words ("1 hour
 * 30 mins", "45 minutes") or a bare number of minutes. Null when there is none.
 */
export function durationMinutes(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? Math.round(value) : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (!text) return null;
  const iso =
    /^-?P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/i.exec(
      text.replace(/\s+/g, ''),
    );
  if (iso) {
    const n = (i: number) => Number((iso[i] ?? '0').replace(',', '.'));
    const minutes = n(4) * 1440 + n(3) * 10080 + n(5) * 60 + n(6) + n(7) / 60;
    return minutes > 0 ? Math.round(minutes) : null;
  }
  if (/^\d+$/.test(text)) return Number(text) > 0 ? Number(text) : null;
  let minutes = 0;
  let found = false;
  for (const m of text.toLowerCase().matchAll(/(\d+(?:[.,]\d+)?)\s*(d(?:ays?)?|h(?:ours?|rs?|r)?|m(?:in(?:ute)?s?)?)\b/g)) {
    const amount = Number(m[1]!.replace(',', '.'));
    const unit = m[2]![0];
    minutes += unit === 'd' ? amount * 1440 : unit === 'h' ? amount * 60 : amount;
    found = true;
  }
  return found && minutes > 0 ? Math.round(minutes) : null;
}

/** The yield as the page says it, preferring a value with a number ("4-6 servings", "Makes 12"). */
export function cleanYield(value: unknown): string | null {
  const candidates = (Array.isArray(value) ? value : [value]).map(cleanText).filter(Boolean);
  const withNumber = candidates.filter((c) => /\d/.test(c));
  // Of ["4", "4 servings"] the one that says what is counted.
  const best = withNumber.sort((a, b) => b.length - a.length)[0] ?? candidates[0];
  return best ?? null;
}

/** The number of servings a yield stands for ("4-6 servings" → 4, "Makes 12" → 12), or null. */
export function servingsOf(yieldText: string | null): number | null {
  const m = /(\d+)/.exec(yieldText ?? '');
  if (!m) return null;
  const n = Number(m[1]);
  return n >= 1 && n <= 1000 ? n : null;
}
