import argon2 from 'argon2';

import type { PasswordHashingConfig } from '../config.ts';

/** OWASP Password Storage Cheat Sheet, argon2id option 2: 19 MiB, 2 passes (the default). */
export const OWASP_HASHING: PasswordHashingConfig = { memoryKiB: 19 * 1024, iterations: 2 };

const optionsFor = (hashing: PasswordHashingConfig) =>
  ({ type: argon2.argon2id, memoryCost: hashing.memoryKiB, timeCost: hashing.iterations, parallelism: 1 }) as const;

/** Longer inputs are refused before hashing so a huge password cannot become a CPU sink. */
export const MAX_PASSWORD_LENGTH = 1024;

export function hashPassword(password: string, hashing: PasswordHashingConfig): Promise<string> {
  return argon2.hash(password, optionsFor(hashing));
}

/** The hash carries its own parameters: one made under older settings still verifies. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** Whether a stored hash was made with other parameters than the configured ones. */
export function needsRehash(hash: string, hashing: PasswordHashingConfig): boolean {
  try {
    return argon2.needsRehash(hash, optionsFor(hashing));
  } catch {
    return false;
  }
}

const dummyHashes = new Map<string, Promise<string>>();

/**
 * Spends the same argon2 time as a real check when there is no account to check against,
 * so that "no such email" and "wrong password" take as long as each other: with the configured
 * parameters, which are those of every hash once its owner has signed in.
 */
export async function verifyAgainstDummy(password: string, hashing: PasswordHashingConfig): Promise<false> {
  const key = `${hashing.memoryKiB}:${hashing.iterations}`;
  let dummy = dummyHashes.get(key);
  if (!dummy) {
    dummy = hashPassword('dummy password for timing equality', hashing);
    dummyHashes.set(key, dummy);
  }
  await verifyPassword(await dummy, password);
  return false;
}
