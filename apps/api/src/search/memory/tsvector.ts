/** Positions of the lexeme being read; reused, so reading allocates only the lexeme strings. */
const scratch = new Uint16Array(256);

const quote = 39; // '
const colon = 58;
const comma = 44;
const space = 32;

/**
 * Reads PostgreSQL's text form of a tsvector: `'lexeme':1A,12C 'other':3` — lexemes in
 * PostgreSQL's order (byte order), positions with a weight letter (none for D). Calls
 * `each(lexeme, weps, count)` with the positions encoded as PostgreSQL stores them
 * (weight << 14 | position; 3 = A … 0 = D) in `weps[0, count)`, valid during the call only.
 */
export function readTsvector(text: string, each: (lexeme: string, weps: Uint16Array, count: number) => void): void {
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && text.charCodeAt(i) === space) i++;
    if (i >= n) break;
    if (text.charCodeAt(i) !== quote) throw new Error(`unexpected tsvector text at ${i}: ${text.slice(i, i + 20)}`);
    i++;
    let lexeme = '';
    for (;;) {
      const q = text.indexOf("'", i);
      if (q < 0) throw new Error('unterminated lexeme in tsvector text');
      lexeme = lexeme === '' ? text.slice(i, q) : lexeme + text.slice(i, q);
      if (text.charCodeAt(q + 1) === quote) {
        lexeme += "'";
        i = q + 2;
      } else {
        i = q + 1;
        break;
      }
    }
    if (lexeme.includes('\\')) lexeme = lexeme.replaceAll('\\\\', '\\');
    let count = 0;
    if (text.charCodeAt(i) === colon) {
      i++;
      for (;;) {
        let pos = 0;
        let c = text.charCodeAt(i);
        while (c >= 48 && c <= 57) {
          pos = pos * 10 + c - 48;
          c = text.charCodeAt(++i);
        }
        // A B C D: weight codes 3 2 1 0 (D is printed without a letter)
        let weight = 0;
        if (c >= 65 && c <= 68) {
          weight = 68 - c;
          c = text.charCodeAt(++i);
        }
        if (count < scratch.length) scratch[count++] = (weight << 14) | pos;
        if (c === comma) i++;
        else break;
      }
    }
    each(lexeme, scratch, count);
  }
}

/** The lexemes of a tsvector's text, in order. */
export function lexemesOf(text: string): string[] {
  const out: string[] = [];
  readTsvector(text, (lexeme) => out.push(lexeme));
  return out;
}
