import { randomBytes } from 'node:crypto';

import type { ClientMetadata } from 'oidc-provider';

import { TOKEN_EXCHANGE_GRANT } from '../oidc/grants/token-exchange/token-types.ts';

export const CLIENT_TYPES = ['web', 'spa', 'native', 'device', 'service', 'exchanger'] as const;

/** RFC 8628's grant type: a device that shows a code, polls, and gets tokens when its user allows it. */
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export type ClientType = (typeof CLIENT_TYPES)[number];

/** What an operator says about a client; the metadata follows from its type. */
export interface ClientTemplateOptions {
  type: ClientType;
  id?: string;
  name?: string;
  redirectUri?: string[];
  postLogoutUri?: string[];
  resource?: string[];
  firstParty?: boolean;
  requireMfa?: boolean;
  requirePasskey?: boolean;
  requireVerifiedEmail?: boolean;
  requirePar?: boolean;
  requireDpop?: boolean;
  backchannelLogoutUri?: string;
  exchangeResource?: string[];
  exchangeSubjectAudience?: string[];
  exchangeSubjectClient?: string[];
  exchangeScope?: string[];
  actor?: boolean;
  /** the APIs it is the credentials of: it may introspect their tokens */
  resourceServerOf?: string[];
  /** it may introspect every token (an operator's grant) */
  introspectAny?: boolean;
}

/** Client metadata for each kind of client an operator registers. */
export function clientTemplate(options: ClientTemplateOptions): ClientMetadata {
  const common = {
    client_id: options.id ?? `${options.type}-${randomBytes(4).toString('hex')}`,
    client_name: options.name,
    allowed_resources: options.resource ?? [],
    first_party: options.firstParty ?? false,
    require_mfa: options.requireMfa ?? false,
    require_passkey: options.requirePasskey ?? false,
    require_verified_email: options.requireVerifiedEmail ?? false,
    ...(options.requirePar ? { require_pushed_authorization_requests: true } : {}),
    ...(options.requireDpop ? { dpop_bound_access_tokens: true } : {}),
    ...(options.resourceServerOf?.length ? { resource_server_of: options.resourceServerOf } : {}),
    ...(options.introspectAny ? { introspect_any: true } : {}),
    ...(options.backchannelLogoutUri
      ? { backchannel_logout_uri: options.backchannelLogoutUri, backchannel_logout_session_required: true }
      : {}),
  };
  const browser = {
    redirect_uris: options.redirectUri ?? [],
    post_logout_redirect_uris: options.postLogoutUri ?? [],
    response_types: ['code' as const],
  };
  const machine = { redirect_uris: [], response_types: [], grant_types: ['client_credentials'] };
  switch (options.type) {
    case 'web':
      return {
        ...common,
        ...browser,
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'client_secret_basic',
      };
    case 'spa':
      return {
        ...common,
        ...browser,
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'none',
      };
    case 'native':
      return {
        ...common,
        ...browser,
        application_type: 'native',
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'none',
      };
    case 'device':
      // A TV or a CLI keeps no secret: a public client of the device grant (RFC 8628 5.6).
      return {
        ...common,
        redirect_uris: [],
        response_types: [],
        grant_types: [DEVICE_CODE_GRANT, 'refresh_token'],
        token_endpoint_auth_method: 'none',
      };
    case 'service':
      return { ...common, ...machine, token_endpoint_auth_method: 'client_secret_basic' };
    case 'exchanger':
      if (!options.exchangeResource?.length)
        throw new TypeError('an exchanger needs the resources it may exchange tokens for');
      if (!options.exchangeSubjectAudience?.length)
        throw new TypeError('an exchanger needs the APIs whose tokens it may take (subject audiences)');
      return {
        ...common,
        ...machine,
        grant_types: ['client_credentials', TOKEN_EXCHANGE_GRANT],
        token_endpoint_auth_method: 'client_secret_basic',
        token_exchange: {
          resources: options.exchangeResource,
          subject_audiences: options.exchangeSubjectAudience,
          subject_clients: options.exchangeSubjectClient,
          scopes: options.exchangeScope,
          actor: options.actor ?? false,
        },
      };
    default:
      throw new TypeError(`--type must be one of ${CLIENT_TYPES.join(', ')}`);
  }
}
