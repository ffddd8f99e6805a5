import type { Context } from 'koa';

import { InvalidRequest } from '../errors.ts';
import { formField } from '../forms/form-field.ts';
import { removeLink } from '../upstream/identity-links.ts';
import type { AccountDeps } from './account-deps.ts';
import { renderAccount } from './show-account.ts';

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
