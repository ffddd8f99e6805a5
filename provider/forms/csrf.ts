import { createHmac, timingSafeEqual } from 'node:crypto';

import type { Provider } from 'oidc-provider';

/** The current provider and keys (oidc/provider-holder.ts): read at each request, as keys rotate. */
export interface LiveProvider {
  readonly provider: Provider;
  readonly keys: { readonly cookie: string[] };
}

/** The current cookie key: new CSRF tokens are keyed with it. */
export function currentCsrfKey(live: LiveProvider): string {
  return live.keys.cookie[0]!;
}

/** Every cookie key still valid: a token keyed with any of them is accepted (key rotation). */
export function validCsrfKeys(live: LiveProvider): string[] {
  return live.keys.cookie;
}

/**
 * CSRF tokens for the interaction forms: an HMAC of the interaction uid under the cookie key.
 * They need no storage, are bound to one interaction, and cannot be made by someone who only
 * saw the uid in a URL.
 */
export function csrfToken(secret: string, uid: string): string {
  return createHmac('sha256', secret).update(`csrf:${uid}`).digest('base64url');
}

export function csrfMatches(secret: string, uid: string, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const expected = Buffer.from(csrfToken(secret, uid));
  const actual = Buffer.from(presented);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
