import type { Context } from 'koa';

import { accountLabel } from '../accounts/account-label.ts';
import { csrfToken, currentCsrfKey } from '../forms/csrf.ts';
import { sendEmailProofCode, type SendResult } from '../mfa/enrollment-email-proof.ts';
import { renderEmailProofScreen } from '../views/email-proof-screen.ts';
import { accountCsrfSubject } from './account-csrf.ts';
import type { AccountDeps } from './account-deps.ts';

/** The mailed code of the account page is good for this browser's session only. */
export const accountProofSubject = (ctx: Context) => `session:${ctx.state.accountSession!.id}`;

/**
 * The mailed-code step before the account's first factor, when it needs the email proven
 * (mfa/first-factor-rule.ts); a code is mailed unless one for this session is still good.
 */
export async function renderAccountEmailProof(
  deps: AccountDeps,
  ctx: Context,
  shown: { send?: SendResult; error?: string } = {},
  status = 200,
): Promise<void> {
  const { accountId } = ctx.state.accountSession!;
  const send = shown.send ?? (await sendEmailProofCode(deps, accountId, accountProofSubject(ctx)));
  renderEmailProofScreen(
    deps.views,
    ctx,
    {
      email: await accountLabel(deps.connection, accountId),
      action: '/account/mfa/email',
      resendAction: '/account/mfa/email/send',
      csrf: csrfToken(currentCsrfKey(deps.live), accountCsrfSubject(ctx)!),
      send: shown.send ?? (send === 'sent' ? 'already_sent' : send),
      error: shown.error,
      cancel: { href: '/account' },
    },
    status,
  );
}
