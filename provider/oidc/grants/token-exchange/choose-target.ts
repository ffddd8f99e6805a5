import { errors } from 'oidc-provider';

import type { ExchangePolicy } from './exchange-policy.ts';

function values(param: unknown): string[] {
  if (param === undefined) return [];
  return (Array.isArray(param) ? param : [param]).filter((v): v is string => typeof v === 'string');
}

/**
 * The one target of an exchange, from `resource` (RFC 8707) and/or `audience` (RFC 8693): an
 * exchanged token is for a single downstream service. Both name the same thing here, since our
 * audiences are resource indicators. With neither, a policy allowing exactly one target uses it.
 */
export function chooseTarget(resource: unknown, audience: unknown, policy: ExchangePolicy): string {
  const named = [...new Set([...values(resource), ...values(audience)])];
  if (named.length > 1) throw new errors.InvalidTarget('an exchanged token has exactly one target (resource/audience)');
  const target = named[0] ?? (policy.resources.length === 1 ? policy.resources[0] : undefined);
  if (target === undefined) throw new errors.InvalidRequest('resource or audience is required');
  if (!URL.canParse(target) || target.includes('#'))
    throw new errors.InvalidTarget('resource must be an absolute URI without a fragment');
  if (!policy.resources.includes(target))
    throw new errors.InvalidTarget('this client may not exchange tokens for this target');
  return target;
}
