import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { KoaContextWithOIDC, Provider } from 'oidc-provider';

/**
 * RFC 7662 for our own JWT access tokens (RFC 9068).
 *
 * oidc-provider answers `unsupported_token_type` when a JWT is introspected, because it does
 * not store them. A gateway that only speaks RFC 7662 must still be able to check every token
 * we issue, so after oidc-provider has authenticated the caller and refused the JWT, this
 * middleware verifies it against our own keys and answers active only while it is unexpired
 * and, for user tokens, its grant still stands (revoking a grant deactivates its JWTs).
 */

/** The private claim carrying the grant id of a user's JWT access token (see formats.customizers.jwt). */
export const GRANT_CLAIM = 'gid';

const INACTIVE = { active: false } as const;

type Next = () => Promise<unknown>;

function isJwt(token: unknown): token is string {
  if (typeof token !== 'string') return false;
  try {
    return !!decodeProtectedHeader(token);
  } catch {
    return false;
  }
}

function isRefusedStructuredToken(ctx: KoaContextWithOIDC): boolean {
  const body = ctx.body as { error?: string } | undefined;
  return ctx.oidc?.route === 'introspection'
    && ctx.status === 400
    && body?.error === 'unsupported_token_type'
    && ctx.oidc.client !== undefined
    && isJwt(ctx.oidc.params?.token);
}

async function grantStands(provider: Provider, payload: JWTPayload): Promise<boolean> {
  const grantId = payload[GRANT_CLAIM];
  if (grantId === undefined) return payload.sub === payload.client_id; // client credentials: no grant
  if (typeof grantId !== 'string') return false;
  const grant = await provider.Grant.find(grantId);
  return !!grant && grant.clientId === payload.client_id && grant.accountId === payload.sub;
}

function introspectionBody(payload: JWTPayload): Record<string, unknown> {
  const { [GRANT_CLAIM]: _grant, ...claims } = payload;
  return { ...claims, active: true, token_type: 'Bearer' };
}

export function jwtIntrospection(provider: Provider, publicKeys: { keys: JWK[] }) {
  const keySet = createLocalJWKSet(publicKeys);
  return async function introspectJwtAccessTokens(ctx: KoaContextWithOIDC, next: Next): Promise<void> {
    await next();
    if (!isRefusedStructuredToken(ctx)) return;

    const client = ctx.oidc.client!;
    let body: Record<string, unknown> = INACTIVE;
    try {
      const { payload } = await jwtVerify(ctx.oidc.params!.token as string, keySet, {
        issuer: provider.issuer,
        typ: 'at+jwt',
        algorithms: ['ES256', 'RS256'],
      });
      // The same rule as oidc-provider's default allowedPolicy: a public client sees only its own tokens.
      const allowed = client.clientAuthMethod !== 'none' || payload.client_id === client.clientId;
      if (allowed && await grantStands(provider, payload)) body = introspectionBody(payload);
    } catch {
      // forged, expired, foreign or malformed: inactive, with no detail (RFC 7662 2.2)
    }
    ctx.status = 200;
    ctx.body = body;
  };
}
