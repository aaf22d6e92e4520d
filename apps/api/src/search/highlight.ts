import type { Highlighted } from './engine.ts';

/** Splits text marked with start/end characters into fragments. */
export function fragments(marked: string, start: string, end: string): Highlighted {
  const out: Highlighted = [];
  let matched = false;
  let text = '';
  for (const ch of marked) {
    if (ch === start || ch === end) {
      if (text) out.push({ text, matched });
      text = '';
      matched = ch === start;
    } else {
      text += ch;
    }
  }
  if (text) out.push({ text, matched });
  return out;
}
