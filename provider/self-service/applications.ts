import type { Context } from 'koa';

import { accountGrants, revokeAccountGrants, revokeGrants } from '../accounts/revoke-account-grants.ts';
import { InvalidRequest } from '../errors.ts';
import { formField } from '../forms/form-field.ts';
import { renderScreen } from '../views/render-screen.ts';
import type { AccountDeps } from './account-deps.ts';
import { renderAccount } from './show-account.ts';

/** POST /account/applications/revoke — the application's tokens stop working; next time it asks for consent again. */
export function revokeApplication(deps: AccountDeps) {
  return async function revokeApplication(ctx: Context): Promise<void> {
    const { accountId } = ctx.state.accountSession!;
    const clientId = formField(ctx, 'client');
    const grants = (await accountGrants(deps.connection, accountId)).filter((grant) => grant.clientId === clientId);
    if (grants.length === 0) throw new InvalidRequest('That application has no access to revoke.');
    await revokeGrants(
      deps.connection,
      grants.map((grant) => grant.grantId),
    );
    await deps.audit.record({
      event: 'account.grant_revoked',
      outcome: 'success',
      account: accountId,
      client: clientId,
      ip: ctx.ip,
      requestId: ctx.state.requestId,
    });
    return renderAccount(deps, ctx, { message: 'Access revoked.' });
  };
}

/** POST /account/sign-out-everywhere — every session (this one too) and every grant ends. */
export function signOutEverywhere(deps: AccountDeps) {
  return async function signOutEverywhere(ctx: Context): Promise<void> {
    const { accountId } = ctx.state.accountSession!;
    const revoked = await revokeAccountGrants(deps.connection, accountId);
    await deps.audit.record({
      event: 'account.signed_out_everywhere',
      outcome: 'success',
      account: accountId,
      ip: ctx.ip,
      requestId: ctx.state.requestId,
      details: { grantsRevoked: revoked },
    });
    renderScreen(deps.views, ctx, 'logged-out.njk', { title: 'Signed out everywhere' });
  };
}
