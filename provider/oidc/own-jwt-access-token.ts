import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { Provider } from 'oidc-provider';

/** The private claim carrying the grant id of a user's JWT access token (see formats.customizers.jwt). */
export const GRANT_CLAIM = 'gid';

export function looksLikeJwt(token: unknown): token is string {
  if (typeof token !== 'string') return false;
  try {
    return !!decodeProtectedHeader(token);
  } catch {
    return false;
  }
}

/**
 * A JWT carrying a grant id is live only while that grant stands for the same account
 * (revoking a grant or replaying a refresh token deletes it). Tokens without one (services)
 * have no grant and live until they expire.
 */
async function grantStands(provider: Provider, payload: JWTPayload): Promise<boolean> {
  const grantId = payload[GRANT_CLAIM];
  if (grantId === undefined) return true;
  if (typeof grantId !== 'string') return false;
  const grant = await provider.Grant.find(grantId);
  return !!grant && grant.accountId === payload.sub;
}

/**
 * A token stops working when its client is deleted: services' tokens have no grant to revoke.
 * The Client lookup is served from the adapter's short cache (CLIENT_CACHE_TTL).
 */
async function clientExists(provider: Provider, payload: JWTPayload): Promise<boolean> {
  return typeof payload.client_id === 'string' && !!(await provider.Client.find(payload.client_id));
}

export type OwnJwtVerifier = (token: string) => Promise<JWTPayload | undefined>;

/**
 * Verifies a JWT access token (RFC 9068) as one this provider issued and still honours:
 * our signature, our issuer, `typ: at+jwt`, unexpired, grant standing, client still there.
 * Undefined otherwise.
 */
export function ownJwtVerifier(provider: Provider, publicKeys: { keys: JWK[] }): OwnJwtVerifier {
  const keySet = createLocalJWKSet(publicKeys);
  return async function verifyOwnJwt(token) {
    try {
      const { payload } = await jwtVerify(token, keySet, {
        issuer: provider.issuer,
        typ: 'at+jwt',
        algorithms: ['ES256', 'RS256'],
      });
      return (await grantStands(provider, payload)) && (await clientExists(provider, payload)) ? payload : undefined;
    } catch {
      return undefined;
    }
  };
}
