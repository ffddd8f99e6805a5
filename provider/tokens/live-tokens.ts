import { createHash } from 'node:crypto';

import { createLocalJWKSet, type JWK, jwtVerify } from 'jose';
import type { Provider } from 'oidc-provider';

import { TtlCache } from '../cache/ttl-cache.ts';
import { looksLikeJwt } from './jwt-claims.ts';
import { asObject, audiences, factsFromClaims, type TokenFacts } from './token-facts.ts';

interface LiveTokenOptions {
  /** the provider and the keys in JWKS (current, next and retired), read at each call: keys rotate */
  live: { readonly provider: Provider; readonly keys: { readonly published: JWK[] } };
  /** how long an answer about a grant, a client or an opaque token may be reused; 0: never */
  cacheSeconds: number;
  /** moves when a client changes (adapters/client-changes.ts): every cached answer is dropped then */
  clientChanges?: { readonly generation: number };
}

/** The one set of checks a JWT access token of ours passes (RFC 9068). */
const JWT_RULES = { typ: 'at+jwt', algorithms: ['ES256', 'RS256'] };
const MAX_TOKEN_LENGTH = 8192;

export type ResolveToken = (token: unknown, options?: { jwtOnly?: boolean }) => Promise<TokenFacts | undefined>;

/**
 * The one place that decides whether a token is ours and still live: a JWT verified against our
 * keys and issuer, or an opaque token found in storage; unexpired; for a user's token its grant
 * still standing for the same account; its client not deleted. Introspection, /validate and
 * token exchange all ask here. Answers about grants, clients and opaque tokens are reused for
 * `cacheSeconds` (/validate's VALIDATE_CACHE_SECONDS; 0 for introspection and exchange), which
 * bounds how late a revocation is seen; a client change drops them within CLIENT_CHANGE_SECONDS.
 */
export function liveTokens({ live, cacheSeconds, clientChanges }: LiveTokenOptions): ResolveToken {
  const provider = () => live.provider;
  const ttl = cacheSeconds * 1000;
  const grants = new TtlCache<boolean>();
  const clients = new TtlCache<boolean>();
  const opaque = new TtlCache<TokenFacts>();
  let generation = clientChanges?.generation;
  let keySet: { keys: JWK[]; verify: ReturnType<typeof createLocalJWKSet> } | undefined;

  function jwks() {
    const keys = live.keys.published;
    if (keySet?.keys !== keys) keySet = { keys, verify: createLocalJWKSet({ keys }) };
    return keySet.verify;
  }

  async function grantStands(grantId: string, accountId: string): Promise<boolean> {
    const key = `${grantId}:${accountId}`;
    const cached = grants.get(key);
    if (cached !== undefined) return cached;
    const grant = await provider().Grant.find(grantId);
    const stands = !!grant && grant.accountId === accountId;
    grants.set(key, stands, ttl);
    return stands;
  }

  async function clientExists(clientId: string): Promise<boolean> {
    const cached = clients.get(clientId);
    if (cached !== undefined) return cached;
    const exists = !!(await provider().Client.find(clientId));
    clients.set(clientId, exists, ttl);
    return exists;
  }

  async function stillLive(facts: TokenFacts | undefined): Promise<TokenFacts | undefined> {
    if (!facts) return undefined;
    if (facts.grantId && !(await grantStands(facts.grantId, facts.sub))) return undefined;
    return (await clientExists(facts.clientId)) ? facts : undefined;
  }

  async function fromJwt(token: string): Promise<TokenFacts | undefined> {
    let facts: TokenFacts | undefined;
    try {
      const { payload } = await jwtVerify(token, jwks(), { issuer: provider().issuer, ...JWT_RULES });
      facts = factsFromClaims(payload);
    } catch {
      return undefined;
    }
    // Outside the catch: an unreachable database is a 503, not an invalid token.
    return stillLive(facts);
  }

  /** The facts of a stored token: a user's (with its account and grant) or a service's. */
  function storedFacts(
    stored: {
      clientId?: string;
      exp?: number;
      aud?: unknown;
      scopes: Set<string>;
      jkt?: string;
      extra?: Record<string, unknown>;
    },
    user?: { accountId: string; grantId: string },
  ): TokenFacts | undefined {
    if (!stored.exp || !stored.clientId) return undefined;
    const audience = audiences(stored.aud);
    return {
      sub: user?.accountId ?? stored.clientId,
      clientId: stored.clientId,
      grantId: user?.grantId,
      accountId: user?.accountId,
      scopes: [...stored.scopes],
      audience: audience.length > 0 ? audience : [provider().issuer],
      exp: stored.exp,
      act: asObject(stored.extra?.act),
      mayAct: stored.extra?.may_act,
      jkt: stored.jkt,
    };
  }

  async function lookUp(token: string): Promise<TokenFacts | undefined> {
    const userToken = await provider().AccessToken.find(token);
    if (userToken) {
      const { accountId, grantId } = userToken;
      return accountId && grantId ? storedFacts(userToken, { accountId, grantId }) : undefined;
    }
    const serviceToken = await provider().ClientCredentials.find(token);
    return serviceToken ? storedFacts(serviceToken) : undefined;
  }

  async function fromOpaque(token: string): Promise<TokenFacts | undefined> {
    // Keyed by a hash: the cache never holds a usable token.
    const key = createHash('sha256').update(token).digest('base64url');
    const cached = opaque.get(key);
    if (cached) return cached.exp > Date.now() / 1000 ? cached : undefined;
    const facts = await stillLive(await lookUp(token));
    if (facts) opaque.set(key, facts, Math.min(ttl, (facts.exp - Date.now() / 1000) * 1000));
    return facts;
  }

  /** A deleted client's grants are revoked with it, so grants go too, not only clients. */
  function dropAnswersAfterClientChange(): void {
    if (clientChanges === undefined || clientChanges.generation === generation) return;
    generation = clientChanges.generation;
    grants.clear();
    clients.clear();
    opaque.clear();
  }

  return async function resolve(token, { jwtOnly = false } = {}) {
    dropAnswersAfterClientChange();
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return undefined;
    if (looksLikeJwt(token)) return fromJwt(token);
    return jwtOnly ? undefined : fromOpaque(token);
  };
}
