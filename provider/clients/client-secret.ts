import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Client secrets are 256 random bits, so a fast hash is enough to make the stored copy useless
 * to a database thief (a slow hash would only slow every token request). The stored form is
 * `sha256$<base64url>`.
 */
const PREFIX = 'sha256$';

export function generateClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashClientSecret(secret: string): string {
  return PREFIX + createHash('sha256').update(secret).digest('base64url');
}

export function isHashedClientSecret(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith(PREFIX);
}

/** Constant-time check of a presented secret against the stored hash. */
export function clientSecretMatches(storedHash: string | undefined, presented: string | undefined): boolean {
  if (!storedHash || typeof presented !== 'string' || !isHashedClientSecret(storedHash)) return false;
  const expected = Buffer.from(storedHash);
  const actual = Buffer.from(hashClientSecret(presented));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * Constant-time check of a presented secret against a self-registered client's own secret (kept
 * sealed at rest, clear in memory: sealed-client-secrets.ts). Hashing both gives equal lengths.
 */
export function clearSecretMatches(secret: string | undefined, presented: string | undefined): boolean {
  if (!secret || typeof presented !== 'string') return false;
  return timingSafeEqual(Buffer.from(hashClientSecret(secret)), Buffer.from(hashClientSecret(presented)));
}
