import type { KoaContextWithOIDC, Provider } from 'oidc-provider';

import type { AuditLog } from '../security/audit-log.ts';

type Next = () => Promise<unknown>;

/**
 * A grant revoked during a token request is a reuse: an authorization code redeemed twice, or a
 * rotated refresh token replayed (RFC 9700 4.5.3, 4.14.2); a stolen token is the usual cause.
 * Each is an audit record with the client and the grant (and the account when the request
 * carried it: a replayed refresh token does; a reused code is already deleted with its grant),
 * written before the refusal is answered.
 */
export function auditGrantReuse(provider: Provider, audit: AuditLog) {
  const revoked = new WeakMap<object, string>();
  provider.on('grant.revoked', (ctx, grantId) => {
    if (ctx.oidc?.route === 'token') revoked.set(ctx, grantId);
  });

  return async function auditGrantReuse(ctx: KoaContextWithOIDC, next: Next): Promise<void> {
    await next();
    const grantId = revoked.get(ctx);
    if (grantId === undefined) return;
    await audit.record({
      event: 'grant.revoked_on_reuse',
      outcome: 'failure',
      client: ctx.oidc.client?.clientId,
      account: ctx.oidc.entities.RefreshToken?.accountId,
      ip: ctx.ip,
      requestId: ctx.state?.requestId,
      details: { grantId, grantType: ctx.oidc.params?.grant_type },
    });
  };
}
