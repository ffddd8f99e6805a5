import type { ClientMetadata } from 'oidc-provider';
import { errors } from 'oidc-provider';

/**
 * RFC 8693 4.4 `may_act`: who may act for the subject of a token. A client whose metadata has
 *   "may_act": { "client_id": "orders-gateway" }
 * gets it stamped on every access token issued to it, and an exchange of such a token is refused
 * unless the acting party (the actor token's, or else the requesting client) matches every member.
 */
interface MayAct {
  sub?: string;
  client_id?: string;
}

export function validateMayAct(value: unknown): void {
  if (value === undefined) return;
  const ok =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length > 0 &&
    Object.entries(value).every(([k, v]) => (k === 'sub' || k === 'client_id') && typeof v === 'string');
  if (!ok) throw new errors.InvalidClientMetadata('may_act must be an object with sub and/or client_id strings');
}

export function mayActOf(metadata: ClientMetadata): MayAct | undefined {
  const value = metadata.may_act as MayAct | undefined;
  return value && typeof value === 'object' ? value : undefined;
}

/** Whether the acting party satisfies a may_act claim (absent claim: anyone). */
export function mayActAllows(mayAct: unknown, actor: { sub: string; client_id: string }): boolean {
  if (mayAct === undefined) return true;
  if (typeof mayAct !== 'object' || mayAct === null) return false;
  const wanted = mayAct as MayAct;
  return (
    (wanted.sub === undefined || wanted.sub === actor.sub) &&
    (wanted.client_id === undefined || wanted.client_id === actor.client_id)
  );
}
