import { describe, expect, it } from 'vitest';
import { etagOf, ifNoneMatchMatches } from '../../apps/img/src/etag.ts';

describe('ifNoneMatchMatches (RFC 9110 §13.1.2)', () => {
  const etag = etagOf(Buffer.from('a rendered image'));

  it('matches the tag alone, in a list, weak, or *', () => {
    for (const header of [etag, `"other", ${etag}`, `${etag},"other"`, `W/${etag}`, `"other" , W/${etag}`, '*', ' * ']) {
      expect(ifNoneMatchMatches(header, etag), header).toBe(true);
    }
  });

  it('does not match other tags, our tag inside another, an unquoted tag, or no header', () => {
    for (const header of [
      undefined,
      '',
      '"other"',
      'W/"other", "more"',
      `"x,${etag.slice(1, -1)}"`,
      etag.slice(1, -1),
      '*, "other"',
    ]) {
      expect(ifNoneMatchMatches(header, etag), String(header)).toBe(false);
    }
  });

  it('reads tags that contain commas', () => {
    expect(ifNoneMatchMatches('"a,b", "c"', '"a,b"')).toBe(true);
    expect(ifNoneMatchMatches('"a,b", "c"', '"c"')).toBe(true);
    expect(ifNoneMatchMatches('"a,b", "c"', '"b"')).toBe(false);
  });
});
