import type { KoaContextWithOIDC } from 'oidc-provider';

import { isFirstParty, metadataOf } from './client-metadata.ts';

type Grant = InstanceType<KoaContextWithOIDC['oidc']['provider']['Grant']>;

function scopeSignature(grant: Grant): string {
  return JSON.stringify([grant.openid, grant.resources]);
}

/**
 * oidc-provider's `loadExistingGrant`: the grant of this session for this client, as the library
 * does by default. For a first-party client the grant is also filled with everything requested
 * (saved only when that changed it), so the consent prompt never triggers: no consent screen and
 * no extra interaction round trip (Keycloak's default for its own clients).
 */
export async function loadExistingGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
  const { provider, client, session } = ctx.oidc;
  const grantId = ctx.oidc.result?.consent?.grantId ?? (client ? session?.grantIdFor(client.clientId) : undefined);
  const existing = grantId ? await provider.Grant.find(grantId) : undefined;
  if (!client || !session?.accountId || !isFirstParty(metadataOf(client))) return existing;

  const grant = existing ?? new provider.Grant({ accountId: session.accountId, clientId: client.clientId });
  const before = existing ? scopeSignature(grant) : undefined;
  const requested = [...ctx.oidc.requestParamOIDCScopes];
  if (requested.length > 0) grant.addOIDCScope(requested.join(' '));
  for (const [indicator, server] of Object.entries(ctx.oidc.resourceServers ?? {})) {
    const scopes = [...ctx.oidc.requestParamScopes].filter((scope) => server.scopes.has(scope));
    if (scopes.length > 0) grant.addResourceScope(indicator, scopes.join(' '));
  }
  if (!existing || scopeSignature(grant) !== before) await grant.save();
  return grant;
}
