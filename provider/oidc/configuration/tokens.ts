import type { Configuration } from 'oidc-provider';

import type { ResourceServerDirectory } from '../../resources/resource-server-directory.ts';
import type { AccessDirectory } from '../../roles/access-directory.ts';
import { GRANT_CLAIM } from '../../tokens/jwt-claims.ts';
import { accessClaims } from '../access-claims.ts';
import { extraTokenClaims } from '../grants/token-exchange/exchange-claims.ts';

type TokenOptions = 'extraTokenClaims' | 'formats' | 'issueRefreshToken' | 'rotateRefreshToken';

/** What the issued tokens carry, and when a refresh token is issued and rotated. */
export function tokens(directory: ResourceServerDirectory, access: AccessDirectory): Pick<Configuration, TokenOptions> {
  return {
    // `act` of exchanged tokens and `may_act` of clients that set one (RFC 8693 4.1, 4.4).
    extraTokenClaims: extraTokenClaims,

    formats: {
      customizers: {
        // Ties a user's JWT access token to its grant so introspection can tell when the
        // grant was revoked (see jwt-introspection.ts). Client credentials have no grant.
        async jwt(_ctx, token, jwt) {
          if ('grantId' in token && token.grantId) jwt.payload[GRANT_CLAIM] = token.grantId;
          Object.assign(jwt.payload, await accessClaims(directory, access, token, jwt.payload));
        },
      },
    },

    // Like Keycloak: a client allowed the refresh_token grant gets one, without offline_access.
    async issueRefreshToken(_ctx, client) {
      return client.grantTypeAllowed('refresh_token');
    },
    // Rotate on every use; oidc-provider revokes the whole grant when a rotated token is replayed.
    rotateRefreshToken: true,
  };
}
