import type { KoaContextWithOIDC } from 'oidc-provider';

import { type IntrospectedToken, type Introspector, mayIntrospect } from '../tokens/introspection-policy.ts';
import { metadataOf } from './client-metadata.ts';

type Caller = NonNullable<KoaContextWithOIDC['oidc']['client']>;

/** The caller as the introspection policy sees it. */
export function introspector(client: Caller): Introspector {
  const { resource_server_of, introspect_any } = metadataOf(client);
  return {
    clientId: client.clientId,
    authenticated: client.clientAuthMethod !== 'none',
    metadata: { resource_server_of, introspect_any },
  };
}

/**
 * `features.introspection.allowedPolicy` for the tokens oidc-provider stores (opaque access
 * tokens, client credentials, refresh tokens); oidc/jwt-introspection.ts asks the same policy
 * about our JWTs. A refusal answers `{ active: false }`.
 */
export async function introspectionAllowed(
  _ctx: KoaContextWithOIDC,
  client: Caller,
  token: { clientId?: string; aud?: unknown; kind: string },
): Promise<boolean> {
  const asked: IntrospectedToken = { clientId: token.clientId, aud: token.aud, refresh: token.kind === 'RefreshToken' };
  return mayIntrospect(introspector(client), asked);
}
