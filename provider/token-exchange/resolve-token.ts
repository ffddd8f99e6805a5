import type { Provider } from 'oidc-provider';

import { looksLikeJwt, type OwnJwtVerifier } from '../oidc/own-jwt-access-token.ts';
import { JWT_TOKEN_TYPE } from './token-types.ts';

/** What an exchange needs to know about a subject or actor token. */
export interface TokenFacts {
  sub: string;
  clientId: string;
  /** set for a user's token: the grant it belongs to (revoking it revokes what is exchanged from it) */
  grantId?: string;
  accountId?: string;
  scopes: string[];
  /** `aud`: empty for a token with none (an opaque token only good at /me) */
  audience: string[];
  /** seconds since the epoch */
  exp: number;
  act?: Record<string, unknown>;
  mayAct?: unknown;
}

const audiences = (aud: unknown): string[] =>
  (Array.isArray(aud) ? aud : typeof aud === 'string' ? [aud] : []).filter((a): a is string => typeof a === 'string');

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

async function fromJwt(verify: OwnJwtVerifier, value: string): Promise<TokenFacts | undefined> {
  const payload = await verify(value);
  if (
    !payload ||
    typeof payload.sub !== 'string' ||
    typeof payload.client_id !== 'string' ||
    typeof payload.exp !== 'number'
  )
    return undefined;
  const grantId = typeof payload.gid === 'string' ? payload.gid : undefined;
  return {
    sub: payload.sub,
    clientId: payload.client_id,
    grantId,
    accountId: grantId ? payload.sub : undefined,
    scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
    audience: audiences(payload.aud),
    exp: payload.exp,
    act: asObject(payload.act),
    mayAct: payload.may_act,
  };
}

async function fromOpaque(provider: Provider, value: string): Promise<TokenFacts | undefined> {
  const userToken = await provider.AccessToken.find(value);
  if (userToken) {
    if (!userToken.accountId || !userToken.grantId || !userToken.exp) return undefined;
    const grant = await provider.Grant.find(userToken.grantId);
    if (!grant || grant.accountId !== userToken.accountId) return undefined;
    return {
      sub: userToken.accountId,
      clientId: userToken.clientId!,
      grantId: userToken.grantId,
      accountId: userToken.accountId,
      scopes: [...userToken.scopes],
      audience: audiences(userToken.aud),
      exp: userToken.exp,
      act: asObject(userToken.extra?.act),
      mayAct: userToken.extra?.may_act,
    };
  }
  const serviceToken = await provider.ClientCredentials.find(value);
  if (serviceToken?.exp) {
    return {
      sub: serviceToken.clientId!,
      clientId: serviceToken.clientId!,
      scopes: [...serviceToken.scopes],
      audience: audiences(serviceToken.aud),
      exp: serviceToken.exp,
      act: asObject(serviceToken.extra?.act),
      mayAct: serviceToken.extra?.may_act,
    };
  }
  return undefined;
}

/**
 * Resolves a token this provider issued and still honours (unexpired, not revoked, grant
 * standing), or undefined for anything else: expired, revoked, forged, foreign, garbage, or a
 * token that does not match its declared type (`jwt` must be a JWT).
 */
export async function resolveToken(
  provider: Provider,
  verify: OwnJwtVerifier,
  value: unknown,
  type: string,
): Promise<TokenFacts | undefined> {
  if (typeof value !== 'string' || value.length === 0 || value.length > 8192) return undefined;
  if (looksLikeJwt(value)) return fromJwt(verify, value);
  if (type === JWT_TOKEN_TYPE) return undefined;
  return fromOpaque(provider, value);
}
