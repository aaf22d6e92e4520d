import { describe, expect, it } from 'vitest';
import { cleanText } from '../../apps/api/src/import/clean.ts';

describe('cleanText', () => {
  it('keeps text with a bare ampersand or "<" as it is, and still decodes tags and entities', () => {
    expect(cleanText('Salt & pepper, a < b')).toBe('Salt & pepper, a < b');
    expect(cleanText('Salt &amp;amp; pepper')).toBe('Salt & pepper');
    expect(cleanText('Salt &#38; <b>pepper</b> &eacute;')).toBe('Salt & pepper é');
    expect(cleanText('Mac &amp cheese')).toBe('Mac & cheese');
  });
});
