import { argon2 as argon2Callback, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * argon2id with OWASP's minimum parameters (m = 19 MiB, t = 2, p = 1), from Node's own
 * crypto (no native dependency), stored in the PHC string format so the parameters can be
 * raised later without breaking existing hashes. Runs on the libuv thread pool.
 */
const argon2 = promisify(argon2Callback);
const params = { memory: 19_456, passes: 2, parallelism: 1, tagLength: 32 };
const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');

export async function hashPassword(password: string): Promise<string> {
  const nonce = randomBytes(16);
  const tag = await argon2('argon2id', { message: password, nonce, ...params });
  return `$argon2id$v=19$m=${params.memory},t=${params.passes},p=${params.parallelism}$${b64(nonce)}$${b64(tag)}`;
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  const [, algorithm, version, settings, salt, digest] = hash.split('$');
  if (algorithm !== 'argon2id' || version !== 'v=19' || !settings || !salt || !digest) return false;
  const p = Object.fromEntries(settings.split(',').map((kv) => kv.split('=')));
  const expected = Buffer.from(digest, 'base64');
  const tag = await argon2('argon2id', {
    message: password,
    nonce: Buffer.from(salt, 'base64'),
    memory: Number(p.m),
    passes: Number(p.t),
    parallelism: Number(p.p),
    tagLength: expected.length,
  });
  return tag.length === expected.length && timingSafeEqual(tag, expected);
}

/** Compared against when the email is unknown, so both answers take as long. */
export const decoyHash = '$argon2id$v=19$m=19456,t=2,p=1$U1s52YaYHQpI3WIUbQu73g$3xCBPWpLbHEdJWR5oyEOHceePNz4a7GpmYZlnGLcCvE';
