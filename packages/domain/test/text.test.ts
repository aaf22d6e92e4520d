import { describe, expect, it } from 'vitest';
import { hasControlCharacters } from '../src/text.ts';

describe('control characters', () => {
  it.each(['\u0000', 'a\u0008b', '\u000b', '\u000c', '\u000e', '\u001f', 'del\u007f'])('%j has one', (text) => {
    expect(hasControlCharacters(text)).toBe(true);
  });

  it.each(['tab\there', 'two\nlines', 'crlf\r\n', 'plain text — with “quotes” and 🍳', ''])('%j has none', (text) => {
    expect(hasControlCharacters(text)).toBe(false);
  });
});
