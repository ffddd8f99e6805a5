/** The client asking at the introspection endpoint (already authenticated by oidc-provider). */
export interface Introspector {
  clientId: string;
  /** it proved who it is (a public client only names itself) */
  authenticated: boolean;
  metadata: IntrospectionGrants;
}

/** The caller's client metadata that grants more than its own tokens (set by an operator only). */
interface IntrospectionGrants {
  resource_server_of?: unknown;
  introspect_any?: unknown;
}

/** What the policy needs to know of the token asked about. */
export interface IntrospectedToken {
  clientId: unknown;
  /** an access token's `aud`: one API or several; none for a user's /me token */
  aud: unknown;
  refresh: boolean;
}

function audiences(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
}

/** The APIs this client is the credentials of (client metadata `resource_server_of`). */
export function resourceServerOf(metadata: IntrospectionGrants): string[] {
  return audiences(metadata.resource_server_of);
}

/**
 * Who may learn what a token says (RFC 7662 4 leaves that to the server): the client it was
 * issued to; an API's own credentials (a client with `resource_server_of`), for access tokens
 * whose audience is that API; and a client the operator allowed every token (`introspect_any`).
 * The last two only when the caller authenticated. Anyone else is told `{ active: false }`.
 *
 * @example mayIntrospect({ clientId: 'orders-api', authenticated: true, metadata: { resource_server_of: ['https://orders'] } },
 *   { clientId: 'web', aud: 'https://orders', refresh: false }) // true
 */
export function mayIntrospect(caller: Introspector, token: IntrospectedToken): boolean {
  if (token.clientId === caller.clientId) return true;
  if (!caller.authenticated) return false;
  if (caller.metadata.introspect_any === true) return true;
  // A refresh token is never presented to an API: only its client (or an auditor) asks about it.
  if (token.refresh) return false;
  const apis = resourceServerOf(caller.metadata);
  return audiences(token.aud).some((aud) => apis.includes(aud));
}
