import type { Configuration } from 'oidc-provider';

import type { Config } from '../../config.ts';

/** How long each artifact lives: our configured lifetimes, or a target API's own for access tokens. */
export function ttl(ttl: Config['ttl']): Configuration['ttl'] {
  return {
    AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? ttl.accessToken,
    ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? ttl.clientCredentials,
    AuthorizationCode: ttl.authorizationCode,
    IdToken: ttl.idToken,
    RefreshToken: ttl.refreshToken,
    Session: ttl.session,
    Interaction: ttl.interaction,
    Grant: ttl.grant,
    // A device code (and its user code) works for 10 minutes (RFC 8628 suggests minutes).
    DeviceCode: 600,
  };
}
