import { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

import { LIMITED_USES_POLICY, limitedUsesPolicy } from '../../clients/initial-token-uses.ts';
import { metadataHostAllowed } from '../../clients/metadata-document-policy.ts';
import { deviceScreens } from '../device-screens.ts';
import { dpopNonceSecret } from '../dpop-nonce-secret.ts';
import { introspectionAllowed } from '../introspection-allowed.ts';
import { resourceIndicators } from '../resource-indicators.ts';
import type { screens } from '../screens.ts';
import type { ConfigurationInput } from './configuration-input.ts';

/** Which of the library's features are on, and how each is set. */
export function features(
  { config, connection, renderPage, directory, access }: ConfigurationInput,
  pages: ReturnType<typeof screens>,
): Configuration['features'] {
  const { ttl } = config;
  return {
    // Our own screens in provider/interactions/ replace the library's development ones.
    devInteractions: { enabled: false },
    // Dynamic client registration (RFC 7591) and its management (RFC 7592): off unless asked for.
    registration: {
      enabled: config.registration !== 'off',
      initialAccessToken: config.registration === 'token',
      issueRegistrationAccessToken: true,
      // Initial access tokens made with --uses carry this policy: each registration takes one.
      ...(config.registration === 'token'
        ? { policies: { [LIMITED_USES_POLICY]: limitedUsesPolicy(connection) } }
        : {}),
    },
    registrationManagement: { enabled: config.registration !== 'off', rotateRegistrationAccessToken: true },
    // An https URL as client_id, its metadata fetched from there (draft-ietf-oauth-client-id-
    // metadata-document-02; MCP's preferred registration). oidc-provider fetches: https only, no
    // redirects, 5 KiB, special-use addresses refused at connect time.
    clientIdMetadataDocument: {
      enabled: config.clientMetadataDocuments,
      ack: 'draft-02',
      async allowFetch(_ctx: unknown, clientId: string) {
        return metadataHostAllowed(clientId, config.clientMetadataHosts);
      },
    },
    clientCredentials: { enabled: true },
    // Device authorization grant (RFC 8628): /device/auth for the device, /device for its user,
    // codes like WDJB-MJHT (base-20: no vowels, no look-alikes; case and dashes ignored).
    // Polling faster than `interval` is answered slow_down by the library.
    deviceFlow: {
      enabled: true,
      charset: 'base-20',
      mask: '****-****',
      ...deviceScreens(renderPage),
    },
    // Sender-constrained tokens (RFC 9449): a client that sends a DPoP proof gets tokens bound
    // to its key (cnf.jkt; a public client's refresh tokens too). Server nonces are required,
    // so a proof cannot be made ahead of time; they rotate with the library's time steps and
    // are the same on every instance (dpop-nonce-secret.ts). A replayed proof is refused. A
    // client with dpop_bound_access_tokens (CLI --require-dpop) must use DPoP.
    dPoP: {
      enabled: true,
      nonceSecret: dpopNonceSecret(config.keys.encryptionKey),
      requireNonce: () => true,
      allowReplay: false,
    },
    // Pushed authorization requests (RFC 9126) at /request: the parameters go over a direct,
    // authenticated request, and the browser carries only a request_uri, single use, valid 60 s
    // at most (the library's limit). A client with require_pushed_authorization_requests (CLI
    // --require-par) must use it; the redirect URI must be a registered one either way.
    pushedAuthorizationRequests: {
      enabled: true,
      requirePushedAuthorizationRequests: false,
      allowUnregisteredRedirectUris: false,
    },
    introspection: {
      enabled: true,
      // Its own tokens, its API's tokens, or any with the operator's leave (tokens/introspection-policy.ts).
      allowedPolicy: introspectionAllowed,
    },
    revocation: {
      enabled: true,
      // A client may revoke only its own tokens (RFC 7009 2.1).
      async allowedPolicy(_ctx: KoaContextWithOIDC, client, token) {
        if (token.clientId === client.clientId) return true;
        if (client.clientAuthMethod === 'none') return false;
        throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
      },
    },
    userinfo: { enabled: true },
    // OpenID Connect Back-Channel Logout 1.0: clients with a backchannel_logout_uri get a
    // signed logout token when a session they were signed in with ends (delivered from a queue:
    // logout/deliver-logouts.ts); their ID tokens carry `sid`.
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: pages.logoutSource,
      postLogoutSuccessSource: pages.postLogoutSuccessSource,
    },
    resourceIndicators: resourceIndicators({
      directory,
      access,
      accessTokenTtl: ttl.accessToken,
      clientCredentialsTtl: ttl.clientCredentials,
    }),
  };
}
