import type { ClientMetadata } from 'oidc-provider';
import { errors } from 'oidc-provider';

import { displayNameProblem } from '../security/display-name.ts';
import { redirectUriProblem } from './redirect-uri-policy.ts';

/** Characters a registered client's name may have (an operator's is bounded at 200 too: admin/api/api-schemas.ts). */
const MAX_CLIENT_NAME = 200;

const GRANTS = new Set(['authorization_code', 'refresh_token']);
/**
 * Public (PKCE alone) unless the client asks to be confidential. A metadata document cannot carry
 * a secret (it is public), so such a client is public or signs with its own published keys.
 */
const AUTH_METHODS: Record<'dynamic' | 'metadata_document', readonly string[]> = {
  dynamic: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
  metadata_document: ['none', 'private_key_jwt'],
};
const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post']);
/** What an operator may set on a client but a self-registered one may not. */
const OPERATOR_ONLY = [
  'resource_scopes',
  'token_exchange',
  'may_act',
  'require_mfa',
  'require_passkey',
  'require_verified_email',
  // a logout token is posted there without the special-use address guard (oidc/configuration.ts)
  'backchannel_logout_uri',
  // introspection of other clients' tokens (tokens/introspection-policy.ts)
  'resource_server_of',
  'introspect_any',
] as const;
/** Of those, the flags a self-registered client may still send as false (the default). */
const OFF_IS_FINE = new Set<string>(['require_mfa', 'require_passkey', 'require_verified_email', 'introspect_any']);

/**
 * The fields this policy reads, by their JSON type. The policy runs before the library's own type
 * checks (oidc/configuration.ts), so it checks these first: a value of another type is the
 * client's mistake (400 naming the field), never a TypeError.
 */
const STRING_LISTS = [
  'redirect_uris',
  'post_logout_redirect_uris',
  'grant_types',
  'response_types',
  'allowed_resources',
];
const STRINGS = ['token_endpoint_auth_method', 'application_type'];
const BOOLEANS = ['first_party', 'require_mfa', 'require_passkey', 'require_verified_email'];

function assertTypes(metadata: ClientMetadata): void {
  const present = (key: string) => metadata[key] !== undefined;
  for (const key of STRING_LISTS.filter(present)) {
    const value = metadata[key];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
      throw new errors.InvalidClientMetadata(`${key} must be an array of strings`);
  }
  for (const key of STRINGS.filter(present)) {
    if (typeof metadata[key] !== 'string') throw new errors.InvalidClientMetadata(`${key} must be a string`);
  }
  for (const key of BOOLEANS.filter(present)) {
    if (typeof metadata[key] !== 'boolean') throw new errors.InvalidClientMetadata(`${key} must be a boolean`);
  }
}

/**
 * The policy every dynamically registered client (RFC 7591) gets, on registration and on every
 * update (RFC 7592), and every client described by a client ID metadata document: a client of
 * the code grant with PKCE, public unless it asks for a secret or signs with its keys, with
 * refresh tokens if it asks; redirect URIs https, loopback or a native app's private-use scheme,
 * never a wildcard; never first-party (its users always see a consent screen); and only the APIs
 * open to dynamic clients (REGISTRATION_RESOURCES). It fills in the defaults and throws
 * invalid_client_metadata / invalid_redirect_uri naming what it refused.
 */
export function applyRegistrationPolicy(
  metadata: ClientMetadata,
  openResources: readonly string[],
  {
    kind = 'dynamic',
    sent,
  }: {
    kind?: 'dynamic' | 'metadata_document';
    /** the metadata as the client sent it: the library has filled in its defaults by now */
    sent?: Record<string, unknown>;
  } = {},
): void {
  assertTypes(metadata);
  const nameProblem = typeof metadata.client_name === 'string' ? displayNameProblem(metadata.client_name) : undefined;
  if (nameProblem) throw new errors.InvalidClientMetadata(`client_name ${nameProblem}`);
  // Shown on the consent screen: bounded like an operator's client name (characters, not UTF-16 units).
  if (typeof metadata.client_name === 'string' && [...metadata.client_name].length > MAX_CLIENT_NAME)
    throw new errors.InvalidClientMetadata(`client_name must be at most ${MAX_CLIENT_NAME} characters`);
  // The library's default method (client_secret_basic, for clients operators add) is not ours.
  const method =
    (sent && sent.token_endpoint_auth_method === undefined ? undefined : metadata.token_endpoint_auth_method) ?? 'none';
  const methods = AUTH_METHODS[kind];
  if (!methods.includes(method)) {
    throw new errors.InvalidClientMetadata(`token_endpoint_auth_method must be one of ${methods.join(', ')}`);
  }
  metadata.token_endpoint_auth_method = method;
  if (!SECRET_METHODS.has(method)) {
    // oidc-provider made a secret for its default method before this policy ran: this client uses none.
    delete metadata.client_secret;
    delete metadata.client_secret_expires_at;
  }

  const grants = metadata.grant_types ?? ['authorization_code'];
  const refused = grants.find((grant) => !GRANTS.has(grant));
  if (refused)
    throw new errors.InvalidClientMetadata(
      `grant_types may only be authorization_code and refresh_token (not ${refused})`,
    );
  if (!grants.includes('authorization_code'))
    throw new errors.InvalidClientMetadata('grant_types must include authorization_code');
  metadata.grant_types = grants;
  const responses = metadata.response_types ?? ['code'];
  if (responses.length !== 1 || responses[0] !== 'code')
    throw new errors.InvalidClientMetadata('response_types must be ["code"]');
  metadata.response_types = ['code'];

  const redirects = metadata.redirect_uris ?? [];
  // The library answers invalid_redirect_uri for a description that starts with the field's name
  // (errors.InvalidRedirectUri would replace the description with one about authorization requests).
  if (redirects.length === 0) throw new errors.InvalidClientMetadata('redirect_uris is required');
  for (const [key, uris] of [
    ['redirect_uris', redirects],
    ['post_logout_redirect_uris', metadata.post_logout_redirect_uris ?? []],
  ] as const) {
    for (const uri of uris) {
      if (uri.includes('*')) throw new errors.InvalidClientMetadata(`${key}: ${uri}: wildcards are not allowed`);
      const problem = redirectUriProblem(uri, metadata.application_type);
      if (problem) throw new errors.InvalidClientMetadata(`${key}: ${problem}`);
    }
  }

  const asked = (metadata.allowed_resources as string[] | undefined) ?? [...openResources];
  const closed = asked.find((resource) => !openResources.includes(resource));
  if (closed)
    throw new errors.InvalidClientMetadata(
      `allowed_resources: ${closed} is not open to dynamically registered clients`,
    );
  metadata.allowed_resources = asked;

  for (const key of OPERATOR_ONLY) {
    if (metadata[key] !== undefined && !(OFF_IS_FINE.has(key) && metadata[key] === false)) {
      throw new errors.InvalidClientMetadata(`${key} cannot be set by a dynamically registered client`);
    }
  }
  if (metadata.first_party === true)
    throw new errors.InvalidClientMetadata('first_party cannot be set by a dynamically registered client');
  metadata.first_party = false;
  if (kind === 'dynamic') metadata.dynamic_client = true;
  // MCP and other OAuth-only clients ask no openid scope: nothing may demand it of them
  // (require_auth_time, our default for registered clients, would).
  metadata.require_auth_time = false;
  // MCP clients register the API scopes they want (e.g. `mcp:tools`) as their `scope`; those are
  // the APIs' scopes, not this server's, and what a client gets of them is decided per API
  // (allowed_resources, the API's scopes, the user's consent). Kept, the library would refuse them.
  delete metadata.scope;
}
