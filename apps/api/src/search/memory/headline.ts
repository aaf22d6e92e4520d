import type { Highlighted } from '../engine.ts';

/**
 * ts_headline(…, 'HighlightAll=true') in JavaScript, for the hits the memory index answers
 * (docs/decisions/0036-search-hits-from-memory.md). PostgreSQL's headline is the text as it
 * is, with every word whose lexeme matches the query marked. Which words match the memory
 * index already knows from the document's positions; what this file adds is which word of
 * the text is at which position, i.e. how PostgreSQL's default parser splits text into words.
 *
 * That parser knows dozens of token kinds (hosts, URLs, e-mails, file paths, versions,
 * numbers with signs and decimals, XML tags, entities…). This reader knows only plain words:
 * runs of Latin letters, runs of digits and letter words joined by hyphens (a compound gets
 * a position of its own, then each part), separated by spaces and punctuation. For any text
 * it is not sure of — a letter next to a digit, punctuation other than an apostrophe or a
 * hyphen between two word characters, a sign or a point before digits, `<` or `&` anywhere,
 * letters of other scripts, combining marks — it answers null, and the caller asks
 * PostgreSQL's own ts_headline instead. test/search/headline.test.ts compares both.
 */

/** A word of the text: [start, end), and whether it is shown (a compound is not: its parts are). */
export interface Word {
  start: number;
  end: number;
  shown: boolean;
}

/** What a character is to the reader: a blank, a letter, a digit, or one it does not vouch for. */
const Kind = { Blank: 0, Letter: 1, Digit: 2, Unsure: 3 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

const apostrophes = new Set(["'", '\u2019']);
/** before a word, these may make it part of a file name, host, e-mail or decimal number */
const unsurePrefix = new Set(['.', '/', '@', '_', '~', '\\', ':']);

function kindOf(code: number): Kind {
  if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90)) return Kind.Letter;
  if (code >= 48 && code <= 57) return Kind.Digit;
  if (code < 128) return code === 60 || code === 38 ? Kind.Unsure : Kind.Blank; // < and & start tags and entities
  const ch = String.fromCharCode(code);
  // Latin-1 Supplement and Latin Extended-A/B letters; × and ÷ are symbols
  if (code >= 0xc0 && code <= 0x24f) return code === 0xd7 || code === 0xf7 ? Kind.Blank : Kind.Letter;
  // other scripts' letters, non-ASCII digits and combining marks: the parser's idea of them depends on the locale
  if (/[\p{L}\p{N}\p{M}]/u.test(ch) || (code >= 0xd800 && code <= 0xdfff)) return Kind.Unsure;
  return Kind.Blank;
}

/**
 * The words of `text` in order, each counted as one position as to_tsvector counts them;
 * null when the text holds anything this reader does not vouch for.
 */
export function wordsOf(text: string): Word[] | null {
  const out: Word[] = [];
  const n = text.length;
  const kind = (i: number) => (i < n ? kindOf(text.charCodeAt(i)) : Kind.Blank);
  /** [i, end) of the run of word characters at i, and whether it mixes letters and digits */
  const run = (i: number): { end: number; letters: boolean; digits: boolean } => {
    let letters = false;
    let digits = false;
    let end = i;
    for (;;) {
      const k = kind(end);
      if (k === Kind.Letter) letters = true;
      else if (k === Kind.Digit) digits = true;
      else break;
      end++;
    }
    return { end, letters, digits };
  };
  let i = 0;
  while (i < n) {
    const k = kind(i);
    if (k === Kind.Unsure) return null;
    if (k === Kind.Blank) {
      i++;
      continue;
    }
    const first = run(i);
    if (first.letters && first.digits) return null; // "x2", "2x": the parser's numword rules
    const before = i > 0 ? text[i - 1]! : '';
    if (unsurePrefix.has(before) || (first.digits && (before === '-' || before === '+'))) return null; // paths, hosts, signed numbers
    // letter words joined by single hyphens: the compound, then each part
    const parts = [{ start: i, end: first.end }];
    let end = first.end;
    while (first.letters && text[end] === '-' && kind(end + 1) === Kind.Letter) {
      const part = run(end + 1);
      if (part.digits) return null;
      parts.push({ start: end + 1, end: part.end });
      end = part.end;
    }
    // one punctuation character between two words: only an apostrophe between letters ("don't")
    // is sure to be a blank; "3-4" and "a-4" hold a signed number, "1.5", "e.g", "1/2", "a_b"… other tokens
    const after = kind(end + 1);
    if (end < n && kind(end) === Kind.Blank && !/\s/.test(text[end]!) && (after === Kind.Letter || after === Kind.Digit)) {
      if (!(apostrophes.has(text[end]!) && first.letters && after === Kind.Letter)) return null;
    }
    if (parts.length > 1) out.push({ start: i, end, shown: false });
    for (const p of parts) out.push({ ...p, shown: true });
    i = end;
  }
  return out;
}

/**
 * The text as ts_headline marks it: the words at `matched` positions (counted from
 * `offset` + 1, as in the document's tsvector) marked, everything else as it is.
 */
export function headline(
  text: string,
  words: readonly Word[],
  offset: number,
  matched: (position: number) => boolean,
): Highlighted {
  const out: Highlighted = [];
  let plain = 0;
  words.forEach((w, k) => {
    if (!w.shown || !matched(offset + k + 1)) return;
    if (w.start > plain) out.push({ text: text.slice(plain, w.start), matched: false });
    out.push({ text: text.slice(w.start, w.end), matched: true });
    plain = w.end;
  });
  if (text.length > plain) out.push({ text: text.slice(plain), matched: false });
  return out;
}

/** The text with the words whose lexeme `matches` marked (the suggestions' 'simple' configuration: no stemming). */
export function simpleHeadline(text: string, words: readonly Word[], matches: (lexeme: string) => boolean): Highlighted {
  const out: Highlighted = [];
  let plain = 0;
  for (const w of words) {
    if (!w.shown || !matches(simpleLexeme(text.slice(w.start, w.end)))) continue;
    if (w.start > plain) out.push({ text: text.slice(plain, w.start), matched: false });
    out.push({ text: text.slice(w.start, w.end), matched: true });
    plain = w.end;
  }
  if (text.length > plain) out.push({ text: text.slice(plain), matched: false });
  return out;
}

/** A word's lexeme in 'yeet_simple': unaccented and lower-cased (see `decomposes`). */
export function simpleLexeme(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * Whether taking the marks off every letter of `text` leaves ASCII, so simpleLexeme is what
 * unaccent makes of it (æ, ø, ß, ł… have rules of their own there).
 */
export function decomposes(text: string): boolean {
  const bare = text.normalize('NFD').replace(/\p{M}/gu, '');
  for (let i = 0; i < bare.length; i++) if (bare.charCodeAt(i) > 127 && kindOf(bare.charCodeAt(i)) === Kind.Letter) return false;
  return true;
}
