import type { Context } from 'koa';

import { InvalidRequest } from '../errors.ts';
import { formField } from '../forms/form-field.ts';
import { listIdps } from '../upstream/manage-idps.ts';
import { listLinks, removeLink } from '../upstream/identity-links.ts';
import type { AccountDeps } from './account-deps.ts';
import { renderAccount } from './show-account.ts';

const day = (date: Date) => date.toISOString().slice(0, 10);

/** The account's links to upstream identity providers, as the account page lists them. */
export async function linkedSignIns(deps: AccountDeps, accountId: string) {
  const links = await listLinks(deps.connection, accountId);
  if (links.length === 0) return [];
  // Names of disabled upstreams too: a link to one is still the user's to remove.
  const names = new Map((await listIdps(deps.connection)).map((idp) => [idp._id, idp.displayName]));
  return links.map((link) => ({
    id: link._id,
    name: names.get(link.idp) ?? link.idp,
    email: link.email,
    linked: day(link.createdAt),
    lastUsed: day(link.lastUsedAt),
  }));
}

/**
 * POST /account/links/remove — the upstream identity no longer signs in to this account (the next
 * sign-in there starts afresh: a new account, or a link again after proof). The account keeps
 * its password and passkeys; one made just in time has a random password, which "Forgot
 * password?" replaces.
 */
export function removeLinkedSignIn(deps: AccountDeps) {
  return async function removeLinkedSignIn(ctx: Context): Promise<void> {
    const { accountId } = ctx.state.accountSession!;
    const removed = await removeLink(deps.connection, accountId, formField(ctx, 'link'));
    if (!removed) throw new InvalidRequest('That sign-in is not linked to your account.');
    await deps.audit.record({
      event: 'upstream.unlink',
      outcome: 'success',
      account: accountId,
      ip: ctx.ip,
      requestId: ctx.state.requestId,
      details: { idp: removed.idp, iss: removed.iss, sub: removed.sub, by: 'user' },
    });
    return renderAccount(deps, ctx, { message: 'The sign-in was unlinked.' });
  };
}
