import { type ResourceServerDirectory, usesAccess } from '../resources/resource-server-directory.ts';
import type { AccessDirectory } from '../roles/access-directory.ts';
import { groupsClaim, rolesAt } from '../roles/access-rules.ts';
import { clientPrincipal, userPrincipal } from '../roles/principal-access-model.ts';

interface IssuedToken {
  kind?: string;
  accountId?: string;
  clientId?: string;
  gty?: string;
}

/**
 * `roles` (the caller's roles at this API, capped) and, where the API asks for it, `groups` in a
 * JWT access token; worked out when the token is issued. A user's token is the user's; a client
 * credentials token the service's. An exchanged token's are set by the exchange (the subject's,
 * never the exchanging client's) and left alone here.
 */
export async function accessClaims(
  directory: ResourceServerDirectory,
  access: AccessDirectory,
  token: IssuedToken,
  payload: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const audience = typeof payload.aud === 'string' ? payload.aud : undefined;
  if (!audience || token.gty === 'token_exchange' || 'roles' in payload) return {};
  const principal =
    token.kind === 'ClientCredentials' && token.clientId
      ? clientPrincipal(token.clientId)
      : token.accountId
        ? userPrincipal(token.accountId)
        : undefined;
  if (!principal) return {};
  const server = await directory.find(audience);
  if (!server || !usesAccess(server)) return {};
  const held = await access.of(principal);
  const roles = rolesAt(held, audience);
  return {
    ...(roles.length ? { roles } : {}),
    ...(server?.groupsClaim && held.groups.length ? { groups: groupsClaim(held) } : {}),
  };
}
