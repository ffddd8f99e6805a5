import type { Connection } from 'mongoose';
import { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

import { mongoAdapterFactory } from '../../adapters/mongodb.ts';
import { TtlCache } from '../cache/ttl-cache.ts';
import { makeFindAccount } from '../accounts/find-account.ts';
import type { Config } from '../config.ts';
import type { ProviderKeys } from '../keys/key-store.ts';
import type { ResourceServerDirectory } from '../resources/resource-server-directory.ts';
import type { AccessDirectory } from '../roles/access-directory.ts';
import { accessClaims } from './access-claims.ts';
import { extraTokenClaims } from './grants/token-exchange/exchange-claims.ts';
import { CLAIMS, SCOPES } from './claims.ts';
import { EXTRA_CLIENT_METADATA, validateExtraClientMetadata } from './client-metadata.ts';
import { ACR_VALUES } from '../mfa/acr.ts';
import { buildInteractionPolicy } from './interaction-policy.ts';
import { introspectionAllowed } from './introspection-allowed.ts';
import { loadExistingGrant } from './load-existing-grant.ts';
import { GRANT_CLAIM } from '../tokens/jwt-claims.ts';
import { resourceIndicators } from './resource-indicators.ts';
import { dpopNonceSecret } from './dpop-nonce-secret.ts';
import { deviceScreens } from './device-screens.ts';
import { type RenderPage, screens } from './screens.ts';
import { LIMITED_USES_POLICY, limitedUsesPolicy } from '../clients/initial-token-uses.ts';
import { isMetadataDocumentClientId, metadataHostAllowed } from '../clients/metadata-document-policy.ts';
import { applyRegistrationPolicy } from '../clients/registration-policy.ts';
import { sealingClientSecrets } from '../clients/sealed-client-secrets.ts';

export interface ConfigurationInput {
  config: Config;
  connection: Connection;
  keys: ProviderKeys;
  /** renders our page templates (the library's error and logout pages) */
  renderPage: RenderPage;
  directory: ResourceServerDirectory;
  /** users' and services' groups and roles (their tokens' scopes at gated APIs, `roles` and `groups` claims) */
  access: AccessDirectory;
  /** how the provider fetches (client metadata documents); tests hand in a network of their own */
  outgoingFetch?: typeof fetch;
}

/**
 * In development a metadata document may live on this machine or a private network: the
 * library's connect-time refusal of special-use addresses (its SSRF guard) is dropped there, and
 * only there.
 */
const developmentFetch: typeof fetch = (url, options) => {
  const { dispatcher: _guard, ...rest } = (options ?? {}) as RequestInit & { dispatcher?: unknown };
  return fetch(url, rest);
};

/**
 * A back-channel logout delivery: a POST of a logout token. Its URI was registered by an
 * operator (self-registered clients may not set one), and is usually an internal service, so
 * it goes out without the special-use address guard meant for metadata documents.
 */
function isLogoutDelivery(options: RequestInit | undefined): boolean {
  return options?.method === 'POST' && options.body instanceof URLSearchParams && options.body.has('logout_token');
}

/** Asymmetric only: client secrets are stored hashed, so they cannot key an HMAC. */
const ASYMMETRIC_JWS = ['ES256', 'RS256', 'PS256', 'EdDSA', 'Ed25519'] as const;

/**
 * The whole oidc-provider configuration. Each key says what it controls and, where we depart
 * from the library default, why.
 */
export function buildConfiguration({
  config,
  connection,
  keys,
  renderPage,
  directory,
  access,
  outgoingFetch,
}: ConfigurationInput): Configuration {
  const { ttl } = config;
  const baseFetch = outgoingFetch ?? (config.nodeEnv === 'development' ? developmentFetch : fetch);
  const fetchOption: typeof fetch = (url, options) =>
    isLogoutDelivery(options) ? developmentFetch(url, options) : baseFetch(url, options);
  const issuerIsHttps = config.issuer.startsWith('https:');
  const pages = screens(renderPage);

  return {
    fetch: fetchOption,
    adapter: sealingClientSecrets(
      mongoAdapterFactory(connection, { clientCache: new TtlCache(), clientCacheTtl: config.clientCacheTtl }),
      config.keys.encryptionKey,
    ),
    findAccount: makeFindAccount(connection, access),

    jwks: { keys: keys.signing },
    cookies: {
      keys: keys.cookie,
      // Secure whenever the public URL is https, even when TLS ends at a proxy we were not told
      // to trust (http/secure-cookies.ts lets Koa set them); lax so the redirect back from a
      // relying party still carries the session.
      long: { httpOnly: true, sameSite: 'lax', secure: issuerIsHttps },
      short: { httpOnly: true, sameSite: 'lax', secure: issuerIsHttps },
    },

    // CORS for browser-based clients: userinfo, and public clients' token calls, from the origins of
    // their own redirect URIs (the library default, stated). The authorization endpoint never sends CORS.
    clientBasedCORS(ctx, origin, client) {
      if (origin === 'null') return false;
      if (ctx.oidc.route === 'userinfo' || client.clientAuthMethod === 'none') {
        return client.redirectUris?.some((uri) => URL.parse(uri)?.origin === origin) ?? false;
      }
      return false;
    },

    claims: CLAIMS,
    scopes: SCOPES,

    // Only the authorization code flow: implicit and hybrid leak tokens through the browser (RFC 9700 2.1.2).
    responseTypes: ['code'],
    // PKCE for every client, not only public ones (RFC 9700 2.1.1); oidc-provider 9 accepts S256 only.
    pkce: { required: () => true },
    // OpenID Connect requires redirect_uri on every authorization request; no silent defaulting.
    allowOmittingSingleRegisteredRedirectUri: false,

    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      // ES256 signatures are small and cheap; RS256 stays available per client.
      id_token_signed_response_alg: 'ES256',
      token_endpoint_auth_method: 'client_secret_basic',
      // auth_time in every ID token (as Keycloak does), not only when max_age was sent.
      require_auth_time: true,
    },
    extraClientMetadata: {
      properties: EXTRA_CLIENT_METADATA,
      validator(ctx, key, value, metadata) {
        // Self-registered clients (RFC 7591, and their updates, RFC 7592) get the registration
        // policy first, before their metadata is checked like anyone's.
        const route = (ctx as KoaContextWithOIDC | undefined)?.oidc?.route;
        if (key === EXTRA_CLIENT_METADATA[0] && (route === 'registration' || route === 'client_update')) {
          const sent = (ctx as KoaContextWithOIDC).oidc.body as Record<string, unknown> | undefined;
          applyRegistrationPolicy(metadata, config.registrationResources, { sent: sent ?? {} });
        } else if (
          key === EXTRA_CLIENT_METADATA[0] &&
          config.clientMetadataDocuments &&
          isMetadataDocumentClientId(metadata.client_id)
        ) {
          // A client described by its own metadata document is a stranger too: the same policy.
          applyRegistrationPolicy(metadata, config.registrationResources, { kind: 'metadata_document' });
        }
        validateExtraClientMetadata(ctx, key, value, metadata);
      },
    },
    enabledJWA: {
      clientAuthSigningAlgValues: ASYMMETRIC_JWS,
      requestObjectSigningAlgValues: ASYMMETRIC_JWS,
      idTokenSigningAlgValues: ASYMMETRIC_JWS,
      userinfoSigningAlgValues: ASYMMETRIC_JWS,
      introspectionSigningAlgValues: ASYMMETRIC_JWS,
      authorizationSigningAlgValues: ASYMMETRIC_JWS,
    },

    features: {
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
    },

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

    // First-party clients get their grant filled in, so they never see the consent screen.
    loadExistingGrant: loadExistingGrant,

    // Like Keycloak: a client allowed the refresh_token grant gets one, without offline_access.
    async issueRefreshToken(_ctx, client) {
      return client.grantTypeAllowed('refresh_token');
    },
    // Rotate on every use; oidc-provider revokes the whole grant when a rotated token is replayed.
    rotateRefreshToken: true,

    ttl: {
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
    },

    interactions: {
      policy: buildInteractionPolicy(connection, config.mfa.policy),
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    // Published as acr_values_supported; sessions carry one of them (see mfa/acr.ts).
    acrValues: ACR_VALUES,
    renderError: pages.renderError,
  };
}
