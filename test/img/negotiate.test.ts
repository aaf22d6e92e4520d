import { describe, expect, it } from 'vitest';
import { negotiateFormat } from '../../apps/img/src/negotiate.ts';

const chrome = 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8';
const safari =
  'image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5';

describe('negotiateFormat', () => {
  it.each([
    [chrome, 'avif'],
    [safari, 'webp'], // equal q: the client's order decides
    ['image/webp,*/*', 'webp'],
    ['IMAGE/AVIF', 'avif'],
    ['image/avif;q=0, image/webp', 'webp'],
    ['image/avif;q=0, image/webp;q=0, */*', 'jpeg'],
    ['image/avif;q=0.5, image/webp;q=0.9', 'webp'],
    ['*/*, image/avif;q=0.1', 'jpeg'],
    ['image/jpeg, image/avif', 'jpeg'],
  ] as const)('%s → %s', (accept, format) => {
    expect(negotiateFormat(accept, null)).toBe(format);
  });

  it('gives JPEG to wildcards, to no Accept and to an Accept it cannot read', () => {
    for (const accept of ['*/*', 'image/*', undefined, '', 'garbage;;;', 'image/png'])
      expect(negotiateFormat(accept, null)).toBe('jpeg');
  });

  it('keeps the format the URL names', () => {
    expect(negotiateFormat(chrome, 'png')).toBe('png');
    expect(negotiateFormat('image/avif;q=0', 'avif')).toBe('avif');
  });
});
