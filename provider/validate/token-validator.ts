import { createHash } from 'node:crypto';

import type { JWK, JWTPayload } from 'jose';
import { createLocalJWKSet, jwtVerify } from 'jose';
import type { Provider } from 'oidc-provider';

import { GRANT_CLAIM, looksLikeJwt } from '../oidc/own-jwt-access-token.ts';
import { TtlCache } from '../cache/ttl-cache.ts';

/** What a gateway learns about a valid access token. */
export interface TokenInfo {
  sub: string;
  clientId: string;
  scopes: string[];
  audience: string[];
  exp: number;
}

export interface TokenValidatorOptions {
  provider: () => Provider;
  publishedKeys: () => JWK[];
  /** VALIDATE_CACHE_SECONDS: how stale a revocation may be seen */
  cacheSeconds: number;
}

const audiences = (aud: unknown): string[] =>
  (Array.isArray(aud) ? aud : typeof aud === 'string' ? [aud] : []).filter((a) => typeof a === 'string');

/**
 * Validates access tokens for gateways. JWTs are verified locally (signature, issuer, expiry);
 * the only database read is whether a user token's grant still stands, and that answer is
 * cached for `cacheSeconds`, so a revoked token stops passing within that bound without a read
 * per request. Opaque tokens are looked up, with active answers cached the same way.
 */
export function tokenValidator({ provider, publishedKeys, cacheSeconds }: TokenValidatorOptions) {
  const grants = new TtlCache<boolean>();
  const clients = new TtlCache<boolean>();
  const opaque = new TtlCache<TokenInfo>();
  let keySet: { keys: JWK[]; verify: ReturnType<typeof createLocalJWKSet> } | undefined;

  function jwks() {
    const keys = publishedKeys();
    if (keySet?.keys !== keys) keySet = { keys, verify: createLocalJWKSet({ keys }) };
    return keySet.verify;
  }

  async function grantStands(grantId: string, accountId: string): Promise<boolean> {
    const key = `${grantId}:${accountId}`;
    const cached = grants.get(key);
    if (cached !== undefined) return cached;
    const grant = await provider().Grant.find(grantId);
    const stands = !!grant && grant.accountId === accountId;
    grants.set(key, stands, cacheSeconds * 1000);
    return stands;
  }

  /** A deleted client's tokens stop passing within `cacheSeconds` (services' tokens have no grant). */
  async function clientExists(clientId: string): Promise<boolean> {
    const cached = clients.get(clientId);
    if (cached !== undefined) return cached;
    const exists = !!(await provider().Client.find(clientId));
    clients.set(clientId, exists, cacheSeconds * 1000);
    return exists;
  }

  async function fromJwt(token: string): Promise<TokenInfo | undefined> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks(), {
        issuer: provider().issuer,
        typ: 'at+jwt',
        algorithms: ['ES256', 'RS256'],
      }));
    } catch {
      return undefined;
    }
    if (typeof payload.sub !== 'string' || typeof payload.client_id !== 'string' || typeof payload.exp !== 'number')
      return undefined;
    const grantId = payload[GRANT_CLAIM];
    if (grantId !== undefined && (typeof grantId !== 'string' || !(await grantStands(grantId, payload.sub))))
      return undefined;
    if (!(await clientExists(payload.client_id))) return undefined;
    return {
      sub: payload.sub,
      clientId: payload.client_id,
      exp: payload.exp,
      audience: audiences(payload.aud),
      scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
    };
  }

  async function fromOpaque(token: string): Promise<TokenInfo | undefined> {
    // Keyed by a hash: the cache never holds a usable token.
    const key = createHash('sha256').update(token).digest('base64url');
    const cached = opaque.get(key);
    if (cached) return cached.exp > Date.now() / 1000 ? cached : undefined;
    const found = (await provider().AccessToken.find(token)) ?? (await provider().ClientCredentials.find(token));
    if (!found?.exp || !found.clientId || !(await clientExists(found.clientId))) return undefined;
    const accountId = 'accountId' in found ? found.accountId : undefined;
    const grantId = 'grantId' in found ? found.grantId : undefined;
    if (grantId && accountId && !(await grantStands(grantId, accountId))) return undefined;
    // A token without an audience of its own is only good at the issuer's /me.
    const audience = audiences(found.aud);
    const info: TokenInfo = {
      sub: accountId ?? found.clientId,
      clientId: found.clientId,
      exp: found.exp,
      scopes: [...found.scopes],
      audience: audience.length > 0 ? audience : [provider().issuer],
    };
    opaque.set(key, info, Math.min(cacheSeconds * 1000, (found.exp - Date.now() / 1000) * 1000));
    return info;
  }

  return async function validate(token: string): Promise<TokenInfo | undefined> {
    if (token.length > 8192) return undefined;
    return looksLikeJwt(token) ? fromJwt(token) : fromOpaque(token);
  };
}
