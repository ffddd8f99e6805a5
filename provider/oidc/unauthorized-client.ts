import type { KoaContextWithOIDC } from 'oidc-provider';

type Next = () => Promise<unknown>;

/**
 * RFC 6749 5.2: a client using a grant type it is not registered for gets
 * `unauthorized_client`. oidc-provider answers `invalid_request` there; this restates the
 * answer whenever that is the reason (the condition is checked again, not the message).
 */
export async function unauthorizedClient(ctx: KoaContextWithOIDC, next: Next): Promise<void> {
  await next();
  const body = ctx.body as { error?: string; error_description?: string } | undefined;
  const grantType = ctx.oidc?.params?.grant_type;
  if (
    ctx.oidc?.route === 'token' &&
    ctx.status === 400 &&
    body?.error === 'invalid_request' &&
    typeof grantType === 'string' &&
    ctx.oidc.client &&
    !ctx.oidc.client.grantTypeAllowed(grantType)
  ) {
    ctx.body = { error: 'unauthorized_client', error_description: 'this client is not allowed to use this grant type' };
  }
}
