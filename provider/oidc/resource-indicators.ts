import type { KoaContextWithOIDC, ResourceServer } from 'oidc-provider';
import { errors } from 'oidc-provider';

import type { ResourceServerDirectory } from '../resources/resource-server-directory.ts';
import type { AccessDirectory } from '../roles/access-directory.ts';
import { scopesGrantedAt } from '../roles/access-rules.ts';
import { clientPrincipal, userPrincipal } from '../roles/principal-access-model.ts';
import { allowedResources, allowedScopesAt, metadataOf } from './client-metadata.ts';

type Client = NonNullable<KoaContextWithOIDC['oidc']['client']>;

interface ResourceIndicatorOptions {
  directory: ResourceServerDirectory;
  access: AccessDirectory;
  accessTokenTtl: number;
  clientCredentialsTtl: number;
}

/** The scopes a client may hold at a resource server: the server's, narrowed by the client's own list. */
function clientScopesAt(serverScopes: string[], clientAllowed: string[] | undefined): string[] {
  if (!clientAllowed) return serverScopes;
  const allowed = new Set(clientAllowed);
  return serverScopes.filter((scope) => allowed.has(scope));
}

/**
 * RFC 8707 resource indicators: every resource server issues JWT access tokens (RFC 9068)
 * with its indicator as `aud`, signed ES256. Unknown or not-allowed resources are `invalid_target`.
 */
/** invalid_scope (RFC 6749 5.2) when scopes were asked for and none of them may be granted. */
function refuseWhenNothingGranted(requested: unknown, allowed: string[]): void {
  const asked = typeof requested === 'string' ? requested.split(' ').filter(Boolean) : [];
  if (asked.length > 0 && !asked.some((scope) => allowed.includes(scope))) {
    throw new errors.InvalidScope(
      'none of the requested scopes is allowed for this client at this resource',
      asked.join(' '),
    );
  }
}

/**
 * Who a token at this request is for: the service itself for client credentials, else the signed-in
 * user (the session at /auth, the code's or refresh token's account at /token). Undefined before
 * sign-in, when nothing is issued yet.
 */
function principalOf(ctx: KoaContextWithOIDC, client: Client, serviceRequest: boolean): string | undefined {
  if (serviceRequest) return clientPrincipal(client.clientId);
  const accountId = ctx.oidc.account?.accountId ?? ctx.oidc.session?.accountId;
  return accountId ? userPrincipal(accountId) : undefined;
}

export function resourceIndicators({
  directory,
  access,
  accessTokenTtl,
  clientCredentialsTtl,
}: ResourceIndicatorOptions) {
  return {
    enabled: true,

    // A service with exactly one allowed API need not name it on every client_credentials call.
    async defaultResource(ctx: KoaContextWithOIDC, client: Client, oneOf?: readonly string[]) {
      if (oneOf) return oneOf;
      const resources = allowedResources(metadataOf(client));
      if (ctx.oidc.params?.grant_type === 'client_credentials' && resources.length === 1) return resources[0];
      return undefined;
    },

    async getResourceServerInfo(ctx: KoaContextWithOIDC, indicator: string, client: Client): Promise<ResourceServer> {
      const metadata = metadataOf(client);
      const server = await directory.find(indicator);
      // The caller's own value is named back (never the list of known APIs: the caller may be anyone).
      if (!server) throw new errors.InvalidTarget(`unknown resource: ${printable(indicator)}`);
      if (!allowedResources(metadata).includes(indicator)) {
        throw new errors.InvalidTarget('this client may not request this resource');
      }
      const serviceRequest = ctx.oidc.params?.grant_type === 'client_credentials';
      let scopes = clientScopesAt(server.scopes, allowedScopesAt(metadata, indicator));
      // An API whose scopes are gated by roles: only what the caller's roles grant there. For a
      // user this drops the rest before consent and again at every token (a role taken away is
      // gone at the next refresh).
      const principal = server.scopeAccess === 'roles' ? principalOf(ctx, client, serviceRequest) : undefined;
      if (principal) {
        const granted = scopesGrantedAt(await access.of(principal), indicator);
        scopes = scopes.filter((scope) => granted.has(scope));
      }
      // Partly allowed scopes are narrowed (the response's `scope` says what was granted, RFC 6749
      // 5.1); a service request of which nothing is allowed is refused rather than answered with
      // a token that can do nothing.
      if (serviceRequest) refuseWhenNothingGranted(ctx.oidc.params?.scope, scopes);
      const fallbackTtl = serviceRequest ? clientCredentialsTtl : accessTokenTtl;
      return {
        scope: scopes.join(' '),
        audience: indicator,
        accessTokenTTL: server.accessTokenTtl ?? fallbackTtl,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      };
    },

    // A token request without `resource` gets the resource the user consented to.
    async useGrantedResource() {
      return true;
    },
  };
}

/** An indicator fit for error_description: RFC 6749 allows no quote, backslash or control there. */
export function printable(indicator: string): string {
  return indicator.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '?').slice(0, 200);
}
