import type { Context, Next } from 'koa';

/**
 * RFC 8414 authorization-server metadata at /.well-known/oauth-authorization-server, beside
 * OpenID discovery and with identical values: OAuth-only clients (MCP clients among them) look
 * there first. It is the same document, so the two can never disagree.
 */
export async function authorizationServerMetadata(ctx: Context, next: Next): Promise<void> {
  if (ctx.path === '/.well-known/oauth-authorization-server') ctx.path = '/.well-known/openid-configuration';
  return next();
}
