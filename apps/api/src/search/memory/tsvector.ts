/**
 * Reads PostgreSQL's text form of a tsvector: `'lexeme':1A,12C 'other':3` — lexemes in
 * PostgreSQL's order (byte order), positions with a weight letter (none for D). Calls
 * `each(lexeme, weps)` with the positions encoded as PostgreSQL stores them (weight << 14 | position).
 */
export function readTsvector(text: string, each: (lexeme: string, weps: number[]) => void): void {
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && text[i] === ' ') i++;
    if (i >= n) break;
    if (text[i] !== "'") throw new Error(`unexpected tsvector text at ${i}: ${text.slice(i, i + 20)}`);
    i++;
    let lexeme = '';
    for (;;) {
      const q = text.indexOf("'", i);
      if (q < 0) throw new Error('unterminated lexeme in tsvector text');
      lexeme += text.slice(i, q);
      if (text[q + 1] === "'") {
        lexeme += "'";
        i = q + 2;
      } else {
        i = q + 1;
        break;
      }
    }
    const weps: number[] = [];
    if (text[i] === ':') {
      i++;
      for (;;) {
        let pos = 0;
        while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) pos = pos * 10 + text.charCodeAt(i++) - 48;
        let weight = 0;
        const c = text[i];
        if (c === 'A') weight = 3;
        else if (c === 'B') weight = 2;
        else if (c === 'C') weight = 1;
        if (c === 'A' || c === 'B' || c === 'C' || c === 'D') i++;
        weps.push((weight << 14) | pos);
        if (text[i] === ',') i++;
        else break;
      }
    }
    each(lexeme.replaceAll('\\\\', '\\'), weps);
  }
}

/** The lexemes of a tsvector's text, in order. */
export function lexemesOf(text: string): string[] {
  const out: string[] = [];
  readTsvector(text, (lexeme) => out.push(lexeme));
  return out;
}
