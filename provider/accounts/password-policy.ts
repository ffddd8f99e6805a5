import { dictionary } from '@zxcvbn-ts/language-common';

import { MAX_PASSWORD_LENGTH } from './password.ts';

/** ~49,000 common and breached passwords shipped with zxcvbn-ts (no network call). */
let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  return common;
}

/**
 * NIST SP 800-63B 5.1.1.2: a minimum length, no composition rules, long passwords allowed,
 * and no password found on a list of commonly used or breached ones.
 * Returns what is wrong in words, or undefined when the password is acceptable.
 */
export function passwordProblem(password: string, minLength: number, email?: string): string | undefined {
  const length = [...password].length;
  if (length < minLength) return `Use at least ${minLength} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  const lowered = password.toLowerCase();
  if (commonPasswords().has(lowered)) return 'This password is too common: it appears in lists of breached passwords.';
  if (email && lowered === email.toLowerCase()) return 'Do not use your email address as your password.';
  return undefined;
}
