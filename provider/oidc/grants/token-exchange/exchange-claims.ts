import type { ClientMetadata, KoaContextWithOIDC } from 'oidc-provider';

import { metadataOf } from '../../client-metadata.ts';
import { mayActOf } from './may-act.ts';

type IssuedToken = { client?: { metadata(): ClientMetadata } };

/**
 * Claims that must end up in a token's `extra`. oidc-provider recomputes `extra` from the
 * `extraTokenClaims` hook when it formats a token, so the exchange grant registers a token's
 * `act` here and the hook hands it back.
 */
const pending = new WeakMap<object, Record<string, unknown>>();

export function setExchangeClaims(token: object, claims: Record<string, unknown>): void {
  pending.set(token, claims);
}

/** The `extraTokenClaims` hook: `act` of exchanged tokens, `may_act` of clients that set one. */
export async function extraTokenClaims(
  _ctx: KoaContextWithOIDC,
  token: IssuedToken,
): Promise<Record<string, unknown> | undefined> {
  const exchanged = pending.get(token);
  const mayAct = token.client ? mayActOf(metadataOf(token.client)) : undefined;
  if (!exchanged && !mayAct) return undefined;
  return { ...(mayAct ? { may_act: mayAct } : undefined), ...exchanged };
}
