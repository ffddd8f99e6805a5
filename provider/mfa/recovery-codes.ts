import { createHmac, hkdfSync, randomInt } from 'node:crypto';

import { OWASP_HASHING, hashPassword, verifyPassword } from '../accounts/password.ts';
import type { RecoveryCode } from './mfa-model.ts';

const RECOVERY_CODE_COUNT = 10;
// Crockford-style alphabet: no 0/O or 1/I/L to misread when typed from paper.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

function newCode(): string {
  const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

/** What the user typed, in the form the codes were hashed in. */
export function normalizeRecoveryCode(input: string): string {
  const compact = input.toUpperCase().replace(/[\s-]/g, '');
  return compact.length === 10 ? `${compact.slice(0, 5)}-${compact.slice(5)}` : compact;
}

/**
 * A short keyed tag of a code (HMAC under a key derived from MFA_ENCRYPTION_KEY, 64 bits): it
 * picks the one stored hash to verify, so a guess costs one argon2 verification, not ten. It
 * says nothing about the code to someone who has the database but not the key.
 */
function lookupTag(key: Uint8Array, code: string): string {
  const tagKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'meshid recovery code lookup v1', 32));
  return createHmac('sha256', tagKey).update(code).digest('base64url').slice(0, 11);
}

/** Ten fresh codes to show once, and their argon2id hashes and lookup tags to store. */
export async function newRecoveryCodes(key: Uint8Array): Promise<{ codes: string[]; stored: RecoveryCode[] }> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
  const stored = await Promise.all(
    codes.map(async (code) => ({
      hash: await hashPassword(code, OWASP_HASHING),
      lookup: lookupTag(key, code),
      usedAt: null,
    })),
  );
  return { codes, stored };
}

interface MatchOptions {
  key: Uint8Array;
  /** argon2 verification (replaceable to count calls) */
  verify?: (hash: string, input: string) => Promise<boolean>;
}

/**
 * The index of the unused stored code that matches, or -1. Codes with a lookup tag are verified
 * only where the tag matches; codes stored before tags existed are scanned as before.
 */
export async function matchRecoveryCode(
  stored: RecoveryCode[],
  input: string,
  { key, verify = verifyPassword }: MatchOptions,
): Promise<number> {
  const code = normalizeRecoveryCode(input);
  if (!/^[A-Z0-9]{5}-[A-Z0-9]{5}$/.test(code)) return -1;
  const tag = lookupTag(key, code);
  for (const [index, entry] of stored.entries()) {
    if (entry.usedAt || (entry.lookup && entry.lookup !== tag)) continue;
    if (await verify(entry.hash, code)) return index;
  }
  return -1;
}
