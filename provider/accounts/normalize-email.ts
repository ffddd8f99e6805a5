import { displayNameProblem } from '../security/display-name.ts';

/** One spelling per mailbox: `  Alice@Example.COM ` and `alice@example.com` are one account. */
export function normalizeEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

/**
 * A deliberately loose check (RFC 5322 is too rich to validate by pattern): one @, no spaces, and
 * nothing the shared display-name check refuses, since administrators read the address in lists.
 */
export function looksLikeEmail(email: string): boolean {
  return email.length <= 254 && /^[^\s@]+@[^\s@]+$/.test(email) && displayNameProblem(email) === undefined;
}
