import { describe, expect, it } from 'vitest';
import { buildPath, buildUrl, keysFromHex, parsePath, sign, verify } from '../src/imgproxy.ts';

describe('imgproxy signatures', () => {
  // The worked example of docs.imgproxy.net, "Signing a URL": key "secret", salt "hello".
  const docs = keysFromHex('736563726574', '68656C6C6F', 32);
  const docsPath = '/rs:fill:300:400:0/g:sm/aHR0cDovL2V4YW1w/bGUuY29tL2ltYWdl/cy9jdXJpb3NpdHku/anBn.png';

  it("matches imgproxy's documented example", () => {
    expect(sign(docsPath, docs)).toBe('oKfUtW34Dvo2BGQehJFR4Nr0_rIjOtdtzJ3QFsUcXH8');
    expect(verify('oKfUtW34Dvo2BGQehJFR4Nr0_rIjOtdtzJ3QFsUcXH8', docsPath, docs)).toBe(true);
  });

  it('writes signatures of 16 bytes by default (IMGPROXY_SIGNATURE_SIZE=16), the documented HMAC cut short', () => {
    const short = keysFromHex('736563726574', '68656C6C6F');
    const full = Buffer.from('oKfUtW34Dvo2BGQehJFR4Nr0_rIjOtdtzJ3QFsUcXH8', 'base64url');
    expect(sign(docsPath, short)).toBe(full.subarray(0, 16).toString('base64url'));
    expect(sign(docsPath, short)).toHaveLength(22);
    expect(verify(sign(docsPath, short), docsPath, short)).toBe(true);
    // a full-length signature is not this server's URL, nor a shorter cut
    expect(verify('oKfUtW34Dvo2BGQehJFR4Nr0_rIjOtdtzJ3QFsUcXH8', docsPath, short)).toBe(false);
    expect(verify(sign(docsPath, short).slice(0, 11), docsPath, short)).toBe(false);
  });

  it('refuses a changed path, a changed signature and another key', () => {
    const signature = sign(docsPath, docs);
    expect(verify(signature, docsPath.replace('300', '3000'), docs)).toBe(false);
    expect(verify(`${signature.slice(0, -1)}A`, docsPath, docs)).toBe(false);
    expect(verify(signature, docsPath, keysFromHex('00ff', '68656C6C6F'))).toBe(false);
    expect(verify('', docsPath, docs)).toBe(false);
  });

  it('reads the documented path back: options, split base64 source, extension', () => {
    expect(parsePath(docsPath)).toEqual({
      source: 'http://example.com/images/curiosity.jpg',
      options: { resize: 'fill', width: 300, height: 400, enlarge: false, gravity: 'sm', quality: null, format: 'png' },
    });
  });

  it('builds paths it can read again, and signs them', () => {
    const keys = keysFromHex('aa'.repeat(32), 'bb'.repeat(32));
    const path = buildPath('local:///originals/0b5c0e8e-1111-4a2b-9c3d-000000000001', {
      resize: 'fill',
      width: 640,
      height: 480,
      gravity: 'sm',
    });
    expect(path).toBe('/rs:fill:640:480:0/g:sm/bG9jYWw6Ly8vb3JpZ2luYWxzLzBiNWMwZThlLTExMTEtNGEyYi05YzNkLTAwMDAwMDAwMDAwMQ');
    expect(parsePath(path).options).toMatchObject({ width: 640, height: 480, resize: 'fill', format: null });
    const url = buildUrl('https://img.example', 'local:///x', { width: 320 }, keys);
    const [, , , signature, ...rest] = url.split('/');
    expect(verify(signature!, `/${rest.join('/')}`, keys)).toBe(true);
  });

  it.each([
    '/rs:fill:300:400/xx:1/aGVsbG8',
    '/rs:stretch:300:400/aGVsbG8',
    '/w:abc/aGVsbG8',
    '/q:0/aGVsbG8',
    '/rs:fit:300:300/aGVsbG8.gif',
    '/rs:fit:300:300/not base64!',
    'no-leading-slash',
  ])('refuses %s', (path) => {
    expect(() => parsePath(path)).toThrow();
  });

  it('reads plain sources', () => {
    expect(parsePath('/w:100/plain/local:%2F%2F%2Foriginals%2Fabc@webp')).toMatchObject({
      source: 'local:///originals/abc',
      options: { width: 100, format: 'webp' },
    });
  });
});
