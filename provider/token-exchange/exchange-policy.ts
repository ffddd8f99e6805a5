import type { ClientMetadata } from 'oidc-provider';
import { errors } from 'oidc-provider';

/**
 * A client's permission to exchange tokens, stored in its metadata as `token_exchange`:
 *
 *   "token_exchange": { "resources": ["https://orders.internal"], "scopes": ["orders:read"], "actor": true }
 *
 * - resources: the targets (resource indicators / audiences) it may ask for; required, non-empty.
 * - scopes: the most it may ask for (optional; otherwise whatever the subject token and target allow).
 * - actor: whether it may present an actor_token (delegation).
 * Without this metadata a client may not exchange at all (unauthorized_client).
 */
export interface ExchangePolicy {
  resources: string[];
  scopes?: string[];
  actor: boolean;
}

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');

export function validateExchangePolicy(value: unknown): void {
  if (value === undefined) return;
  const policy = value as Partial<ExchangePolicy>;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new errors.InvalidClientMetadata('token_exchange must be an object');
  }
  if (!isStringArray(policy.resources) || policy.resources.length === 0 || !policy.resources.every((r) => URL.canParse(r))) {
    throw new errors.InvalidClientMetadata('token_exchange.resources must be a non-empty array of absolute URIs');
  }
  if (policy.scopes !== undefined && !isStringArray(policy.scopes)) {
    throw new errors.InvalidClientMetadata('token_exchange.scopes must be an array of strings');
  }
  if (policy.actor !== undefined && typeof policy.actor !== 'boolean') {
    throw new errors.InvalidClientMetadata('token_exchange.actor must be a boolean');
  }
}

export function exchangePolicy(metadata: ClientMetadata): ExchangePolicy | undefined {
  const value = metadata.token_exchange as Partial<ExchangePolicy> | undefined;
  if (!value || !isStringArray(value.resources)) return undefined;
  return { resources: value.resources, scopes: value.scopes, actor: value.actor === true };
}
