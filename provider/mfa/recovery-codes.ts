import { randomInt } from 'node:crypto';

import { hashPassword, verifyPassword } from '../accounts/password.ts';
import type { RecoveryCode } from './mfa-model.ts';

export const RECOVERY_CODE_COUNT = 10;
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

/** Ten fresh codes to show once, and their argon2id hashes to store. */
export async function newRecoveryCodes(): Promise<{ codes: string[]; stored: RecoveryCode[] }> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
  const stored = await Promise.all(codes.map(async (code) => ({ hash: await hashPassword(code), usedAt: null })));
  return { codes, stored };
}

/** The index of the unused stored code that matches, or -1. */
export async function matchRecoveryCode(stored: RecoveryCode[], input: string): Promise<number> {
  const code = normalizeRecoveryCode(input);
  if (!/^[A-Z0-9]{5}-[A-Z0-9]{5}$/.test(code)) return -1;
  for (const [index, entry] of stored.entries()) {
    if (!entry.usedAt && await verifyPassword(entry.hash, code)) return index;
  }
  return -1;
}
