import type { ClientMetadata } from 'oidc-provider';

import { errors } from 'oidc-provider';

import { validateExchangePolicy } from './grants/token-exchange/exchange-policy.ts';
import { validateMayAct } from './grants/token-exchange/may-act.ts';

/**
 * Our own client metadata, stored with the client:
 * - `first_party`: the operator's own app; its users are not asked for consent.
 * - `allowed_resources`: the resource indicators (RFC 8707) it may get tokens for. Empty means
 *   none: a client gets no API audience until an operator grants one (secure by default).
 * - `require_mfa`: its users must complete a second factor (enrolling one if they have none).
 * - `require_passkey`: its users must sign in with a passkey (phishing-resistant, acr urn:meshid:acr:phr).
 * - `require_verified_email`: its users must have confirmed their email address.
 * - `token_exchange`, `may_act`: token exchange permissions (see token-exchange/exchange-policy.ts, may-act.ts).
 * - `resource_scopes`: optionally, per indicator, the scopes it may hold there (least privilege
 *   for services); an indicator not listed allows every scope of that resource server.
 *   (The standard `scope` metadata cannot hold them: it only admits the provider's own scopes.)
 * - `resource_server_of`: the APIs (indicators) this client is the credentials of: it may
 *   introspect access tokens issued for them (tokens/introspection-policy.ts).
 * - `introspect_any`: the operator lets it introspect every token (an auditor, a gateway for all APIs).
 */
export const EXTRA_CLIENT_METADATA = [
  'first_party',
  'allowed_resources',
  'resource_scopes',
  'require_mfa',
  'require_passkey',
  'require_verified_email',
  'token_exchange',
  'may_act',
  'dynamic_client',
  'resource_server_of',
  'introspect_any',
];

function isScopeMap(value: unknown): value is Record<string, string[]> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((scopes) => Array.isArray(scopes) && scopes.every((s) => typeof s === 'string'))
  );
}

export function validateExtraClientMetadata(
  _ctx: unknown,
  key: string,
  value: unknown,
  metadata: ClientMetadata,
): void {
  switch (key) {
    case 'first_party':
    case 'require_mfa':
    case 'require_passkey':
    case 'require_verified_email':
      if (value === undefined) metadata[key] = false;
      else if (typeof value !== 'boolean') throw new errors.InvalidClientMetadata(`${key} must be a boolean`);
      break;
    case 'allowed_resources':
      if (value === undefined) metadata.allowed_resources = [];
      else if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && URL.canParse(v))) {
        throw new errors.InvalidClientMetadata('allowed_resources must be an array of absolute URIs');
      }
      break;
    case 'resource_scopes':
      if (value !== undefined && !isScopeMap(value)) {
        throw new errors.InvalidClientMetadata('resource_scopes must map resource indicators to arrays of scopes');
      }
      break;
    case 'resource_server_of':
      if (
        value !== undefined &&
        (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && URL.canParse(v)))
      )
        throw new errors.InvalidClientMetadata('resource_server_of must be an array of absolute URIs');
      break;
    case 'introspect_any':
    case 'dynamic_client':
      if (value !== undefined && typeof value !== 'boolean')
        throw new errors.InvalidClientMetadata(`${key} must be a boolean`);
      break;
    case 'token_exchange':
      validateExchangePolicy(value);
      break;
    case 'may_act':
      validateMayAct(value);
      break;
    default:
  }
}

export function allowedResources(metadata: ClientMetadata): string[] {
  return Array.isArray(metadata.allowed_resources) ? (metadata.allowed_resources as string[]) : [];
}

export function isFirstParty(metadata: ClientMetadata): boolean {
  return metadata.first_party === true;
}

/** The scopes this client may hold at one resource server, or undefined for all of them. */
export function allowedScopesAt(metadata: ClientMetadata, indicator: string): string[] | undefined {
  const map = metadata.resource_scopes;
  return isScopeMap(map) ? map[indicator] : undefined;
}

export function requiresMfa(metadata: ClientMetadata): boolean {
  return metadata.require_mfa === true;
}

export function requiresPasskey(metadata: ClientMetadata): boolean {
  return metadata.require_passkey === true;
}

export function requiresVerifiedEmail(metadata: ClientMetadata): boolean {
  return metadata.require_verified_email === true;
}

const metadataCache = new WeakMap<object, ClientMetadata>();

/**
 * A client's metadata in its registered (snake_case) form. oidc-provider rebuilds that object
 * on every `metadata()` call, which is measurable on the token endpoint's hot path; a Client
 * instance is immutable (a change makes a new instance), so the answer is kept per instance.
 */
export function metadataOf(client: { metadata(): ClientMetadata }): ClientMetadata {
  let metadata = metadataCache.get(client);
  if (!metadata) {
    metadata = client.metadata();
    metadataCache.set(client, metadata);
  }
  return metadata;
}
