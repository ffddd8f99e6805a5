import type { JWTPayload } from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';

import { mayIntrospect } from '../tokens/introspection-policy.ts';
import { GRANT_CLAIM, looksLikeJwt } from '../tokens/jwt-claims.ts';
import type { ResolveToken } from '../tokens/live-tokens.ts';
import { introspector } from './introspection-allowed.ts';

/**
 * RFC 7662 for our own JWT access tokens (RFC 9068).
 *
 * oidc-provider answers `unsupported_token_type` when a JWT is introspected, because it does
 * not store them. A gateway that only speaks RFC 7662 must still be able to check every token
 * we issue, so after oidc-provider has authenticated the caller and refused the JWT, this
 * middleware verifies it against our own keys and answers active only while it is unexpired
 * and, for user tokens, its grant still stands (revoking a grant deactivates its JWTs), and its
 * client still exists (tokens/live-tokens.ts decides all of that).
 */

const INACTIVE = { active: false } as const;

type Next = () => Promise<unknown>;

function isRefusedStructuredToken(ctx: KoaContextWithOIDC): boolean {
  const body = ctx.body as { error?: string } | undefined;
  return (
    ctx.oidc?.route === 'introspection' &&
    ctx.status === 400 &&
    body?.error === 'unsupported_token_type' &&
    ctx.oidc.client !== undefined &&
    looksLikeJwt(ctx.oidc.params?.token)
  );
}

function introspectionBody(payload: JWTPayload): Record<string, unknown> {
  const { [GRANT_CLAIM]: _grant, ...claims } = payload;
  // RFC 9449 6.2: a bound token says so (its cnf.jkt is among the claims).
  const bound = typeof (claims.cnf as { jkt?: unknown } | undefined)?.jkt === 'string';
  return { ...claims, active: true, token_type: bound ? 'DPoP' : 'Bearer' };
}

export function jwtIntrospection(resolve: ResolveToken) {
  return async function introspectJwtAccessTokens(ctx: KoaContextWithOIDC, next: Next): Promise<void> {
    await next();
    if (!isRefusedStructuredToken(ctx)) return;

    const client = ctx.oidc.client!;
    const payload = (await resolve(ctx.oidc.params!.token, { jwtOnly: true }))?.claims;
    // The same rule as for stored tokens (oidc/introspection-allowed.ts).
    const allowed =
      payload && mayIntrospect(introspector(client), { clientId: payload.client_id, aud: payload.aud, refresh: false });
    ctx.status = 200;
    // Forged, expired, foreign, revoked or malformed: inactive, with no detail (RFC 7662 2.2).
    ctx.body = allowed ? introspectionBody(payload) : INACTIVE;
  };
}
