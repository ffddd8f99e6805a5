import type { Context } from 'koa';

import { accountLabel } from '../accounts/account-label.ts';
import { passwordProblem } from '../accounts/password-policy.ts';
import { revokeAccountGrants } from '../accounts/revoke-account-grants.ts';
import { storePassword } from '../accounts/store-password.ts';
import { recheckPassword } from '../accounts/recheck-password.ts';
import { formField } from '../forms/form-field.ts';
import type { AccountDeps } from './account-deps.ts';
import { renderAccount } from './show-account.ts';
import { notifyAccount } from '../mail/notify-account.ts';
import { seconds } from '../views/seconds.ts';

/**
 * POST /account/password — the current password, then a new one that meets the policy. Every
 * grant is revoked and every other session ended (RFC 9700 4.14.2); this browser stays signed in.
 */
export function changePassword(deps: AccountDeps) {
  return async function changePassword(ctx: Context): Promise<void> {
    const { accountId, id: sessionId } = ctx.state.accountSession!;
    const who = { account: accountId, ip: ctx.ip, requestId: ctx.state.requestId };
    const email = await accountLabel(deps.connection, accountId);
    const check = await recheckPassword(
      deps.connection,
      deps.throttle,
      { id: accountId, email },
      ctx.ip,
      formField(ctx, 'current_password'),
    );
    if (!check.ok) {
      await deps.audit.record({
        ...who,
        event: 'account.password_change',
        outcome: 'failure',
        details: { reason: 'wrong current password', retryAfter: check.retryAfter },
      });
      if (check.retryAfter > 0)
        return renderAccount(
          deps,
          ctx,
          { error: `Too many wrong passwords. Try again in ${seconds(check.retryAfter)}.` },
          429,
        );
      return renderAccount(deps, ctx, { error: 'Your current password is not right.' }, 401);
    }
    const password = formField(ctx, 'new_password');
    const problem = passwordProblem(password, deps.passwordMinLength, email);
    if (problem) return renderAccount(deps, ctx, { error: `New password refused: ${problem}` }, 400);
    await storePassword(deps.connection, accountId, password, deps.passwordHashing);
    const revoked = await revokeAccountGrants(deps.connection, accountId, { keepSession: sessionId });
    await deps.audit.record({
      ...who,
      event: 'account.password_change',
      outcome: 'success',
      details: { grantsRevoked: revoked },
    });
    await notifyAccount(deps.notify, accountId, 'password_changed');
    return renderAccount(deps, ctx, {
      message: 'Password changed. Other devices and applications have been signed out.',
    });
  };
}
