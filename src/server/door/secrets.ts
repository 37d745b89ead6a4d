import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, base64url: a session id or a token secret. */
export const newSecret = () => randomBytes(32).toString('base64url');

/**
 * SHA-256, hex. Enough for secrets of 256 random bits (nothing to brute-force, unlike a
 * password), and what is stored instead of them: a copy of Redis holds no usable credential.
 */
export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
