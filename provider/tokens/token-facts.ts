import type { JWTPayload } from 'jose';

import { GRANT_CLAIM } from './jwt-claims.ts';

/** What every consumer (introspection, /validate, token exchange) learns about a live token. */
export interface TokenFacts {
  /** the user's account id, or the service's client id */
  sub: string;
  clientId: string;
  /** a user's token: the grant it belongs to (revoking it revokes the token) */
  grantId?: string;
  accountId?: string;
  scopes: string[];
  /** `aud`; a token with none of its own (only good at /me) has the issuer */
  audience: string[];
  /** seconds since the epoch */
  exp: number;
  act?: Record<string, unknown>;
  mayAct?: unknown;
  /** the caller's roles at the token's API (a JWT's `roles` claim) */
  roles?: string[];
  /** DPoP (RFC 9449): the thumbprint of the key the token is bound to; it is good only with a proof of that key */
  jkt?: string;
  /** a JWT's claims as signed (introspection answers with them) */
  claims?: JWTPayload;
}

export function audiences(aud: unknown): string[] {
  return (Array.isArray(aud) ? aud : typeof aud === 'string' ? [aud] : []).filter(
    (a): a is string => typeof a === 'string',
  );
}

export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function scopesOf(scope: unknown): string[] {
  return typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
}

/** The facts a verified JWT access token states, or undefined when a required claim is missing. */
export function factsFromClaims(claims: JWTPayload): TokenFacts | undefined {
  if (typeof claims.sub !== 'string' || typeof claims.client_id !== 'string' || typeof claims.exp !== 'number')
    return undefined;
  const grantId = claims[GRANT_CLAIM];
  if (grantId !== undefined && typeof grantId !== 'string') return undefined;
  return {
    sub: claims.sub,
    clientId: claims.client_id,
    grantId,
    accountId: grantId ? claims.sub : undefined,
    scopes: scopesOf(claims.scope),
    audience: audiences(claims.aud),
    exp: claims.exp,
    act: asObject(claims.act),
    mayAct: claims.may_act,
    roles: Array.isArray(claims.roles)
      ? claims.roles.filter((role): role is string => typeof role === 'string')
      : undefined,
    jkt: typeof asObject(claims.cnf)?.jkt === 'string' ? (asObject(claims.cnf)!.jkt as string) : undefined,
    claims,
  };
}
