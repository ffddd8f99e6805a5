import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';

import { isMetadataDocumentClientId } from '../../clients/metadata-document-policy.ts';
import { applyRegistrationPolicy } from '../../clients/registration-policy.ts';
import type { Config } from '../../config.ts';
import { EXTRA_CLIENT_METADATA, validateExtraClientMetadata } from '../client-metadata.ts';

type ClientOptions =
  | 'clientBasedCORS'
  | 'responseTypes'
  | 'pkce'
  | 'allowOmittingSingleRegisteredRedirectUri'
  | 'clientAuthMethods'
  | 'clientDefaults'
  | 'extraClientMetadata';

/** What clients may ask for and how they authenticate, and the checks on their metadata. */
export function clients(
  config: Pick<Config, 'registrationResources' | 'clientMetadataDocuments'>,
): Pick<Configuration, ClientOptions> {
  return {
    // CORS for browser-based clients: userinfo, and public clients' token calls, from the origins of
    // their own redirect URIs (the library default, stated). The authorization endpoint never sends CORS.
    clientBasedCORS(ctx, origin, client) {
      if (origin === 'null') return false;
      if (ctx.oidc.route === 'userinfo' || client.clientAuthMethod === 'none') {
        return client.redirectUris?.some((uri) => URL.parse(uri)?.origin === origin) ?? false;
      }
      return false;
    },

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
  };
}
