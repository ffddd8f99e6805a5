import type { ClientMetadata } from 'oidc-provider';
import { errors } from 'oidc-provider';

/**
 * A client's permission to exchange tokens, stored in its metadata as `token_exchange`:
 *
 *   "token_exchange": { "resources": ["https://orders.internal"], "subject_audiences": ["https://api.example"],
 *                       "scopes": ["orders:read"], "actor": true }
 *
 * - resources: the targets (resource indicators / audiences) it may ask for; required, non-empty.
 * - subject_audiences: the audiences a subject token must have (any one of them) to be taken.
 *   Without it no subject token is taken: an exchanger must say whose tokens it swaps.
 * - subject_clients: optional; only tokens issued to these clients are taken.
 * - scopes: the most it may ask for (optional; otherwise whatever the subject token and target allow).
 * - actor: whether it may present an actor_token (delegation).
 * Without this metadata a client may not exchange at all (unauthorized_client).
 */
export interface ExchangePolicy {
  resources: string[];
  subjectAudiences: string[];
  subjectClients?: string[];
  scopes?: string[];
  actor: boolean;
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((v) => typeof v === 'string');

export function validateExchangePolicy(value: unknown): void {
  if (value === undefined) return;
  const policy = value as Partial<ExchangePolicy>;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new errors.InvalidClientMetadata('token_exchange must be an object');
  }
  if (
    !isStringArray(policy.resources) ||
    policy.resources.length === 0 ||
    !policy.resources.every((r) => URL.canParse(r))
  ) {
    throw new errors.InvalidClientMetadata('token_exchange.resources must be a non-empty array of absolute URIs');
  }
  const raw = value as Record<string, unknown>;
  if (
    raw.subject_audiences !== undefined &&
    (!isStringArray(raw.subject_audiences) || !raw.subject_audiences.every((a) => URL.canParse(a)))
  ) {
    throw new errors.InvalidClientMetadata('token_exchange.subject_audiences must be an array of absolute URIs');
  }
  if (raw.subject_clients !== undefined && !isStringArray(raw.subject_clients)) {
    throw new errors.InvalidClientMetadata('token_exchange.subject_clients must be an array of client ids');
  }
  if (policy.scopes !== undefined && !isStringArray(policy.scopes)) {
    throw new errors.InvalidClientMetadata('token_exchange.scopes must be an array of strings');
  }
  if (policy.actor !== undefined && typeof policy.actor !== 'boolean') {
    throw new errors.InvalidClientMetadata('token_exchange.actor must be a boolean');
  }
}

export function exchangePolicy(metadata: ClientMetadata): ExchangePolicy | undefined {
  const value = metadata.token_exchange as Record<string, unknown> | undefined;
  if (!value || !isStringArray(value.resources)) return undefined;
  return {
    resources: value.resources,
    subjectAudiences: isStringArray(value.subject_audiences) ? value.subject_audiences : [],
    subjectClients: isStringArray(value.subject_clients) ? value.subject_clients : undefined,
    scopes: isStringArray(value.scopes) ? value.scopes : undefined,
    actor: value.actor === true,
  };
}

/**
 * Why this policy refuses a subject token (undefined: it takes it). A token with no audience of
 * its own (an opaque token only good at /me) has the issuer as its audience (tokens/token-facts.ts).
 */
export function subjectRefusal(
  policy: ExchangePolicy,
  subject: { audience: string[]; clientId: string },
): string | undefined {
  if (policy.subjectAudiences.length === 0)
    return 'this client takes no subject token: token_exchange.subject_audiences is not set';
  if (!subject.audience.some((aud) => policy.subjectAudiences.includes(aud)))
    return "the subject_token's audience is not in this client's token_exchange.subject_audiences";
  if (policy.subjectClients && !policy.subjectClients.includes(subject.clientId))
    return "the subject_token was issued to a client not in this client's token_exchange.subject_clients";
  return undefined;
}
