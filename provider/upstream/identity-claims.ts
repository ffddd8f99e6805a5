import { normalizeEmail } from '../accounts/normalize-email.ts';
import type { ClaimMapping } from './idp-model.ts';
import type { VerifiedIdentity } from './upstream-flow-model.ts';

/** Bounds on what an upstream may make us store: a user in thousands of groups stays a small record. */
export const MAX_GROUPS = 100;
const MAX_TEXT = 256;
const MAX_AMR = 10;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_TEXT ? value : undefined;

const texts = (value: unknown, max: number): string[] | undefined => {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
  if (!list) return undefined;
  return list
    .map(text)
    .filter((item): item is string => item !== undefined)
    .slice(0, max);
};

/**
 * An upstream's claims as this provider uses them, through the upstream's claim mapping. The
 * email counts as verified only when the upstream says so with a boolean true (or the string
 * "true", which some providers send); the subject must be a non-empty string.
 */
export function identityFromClaims(
  iss: string,
  claims: Record<string, unknown>,
  mapping: ClaimMapping,
): VerifiedIdentity | undefined {
  const sub = text(claims.sub);
  if (!sub) return undefined;
  const email = text(claims[mapping.email]);
  const verified = claims[mapping.emailVerified];
  return {
    iss,
    sub,
    ...(email ? { email: normalizeEmail(email) } : {}),
    emailVerified: !!email && (verified === true || verified === 'true'),
    ...(text(claims[mapping.name]) ? { name: text(claims[mapping.name]) } : {}),
    ...(texts(claims.amr, MAX_AMR)?.length ? { amr: texts(claims.amr, MAX_AMR) } : {}),
    ...(text(claims.acr) ? { acr: text(claims.acr) } : {}),
    ...(mapping.groups && texts(claims[mapping.groups], MAX_GROUPS)
      ? { groups: texts(claims[mapping.groups], MAX_GROUPS) }
      : {}),
  };
}

interface GitHubUser {
  id?: unknown;
  login?: unknown;
  name?: unknown;
}

interface GitHubEmail {
  email?: unknown;
  primary?: unknown;
  verified?: unknown;
}

/**
 * A GitHub user as an identity: the stable numeric id is the subject (logins can be renamed and
 * reused), the email is the primary one from /user/emails and counts only when GitHub has verified it.
 */
export function identityFromGitHub(iss: string, user: GitHubUser, emails: unknown): VerifiedIdentity | undefined {
  const id = typeof user.id === 'number' && Number.isSafeInteger(user.id) ? String(user.id) : undefined;
  if (!id) return undefined;
  const primary = Array.isArray(emails)
    ? (emails as GitHubEmail[]).find((entry) => entry && entry.primary === true && typeof entry.email === 'string')
    : undefined;
  const email = text(primary?.email);
  return {
    iss,
    sub: id,
    ...(email ? { email: normalizeEmail(email) } : {}),
    emailVerified: !!email && primary?.verified === true,
    ...(text(user.name) || text(user.login) ? { name: text(user.name) ?? text(user.login) } : {}),
  };
}
