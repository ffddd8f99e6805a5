import { mailOwner } from '../mail/mail-owner.ts';
import type { NotifyDeps } from '../mail/notify-account.ts';
import { countInWindow } from '../security/count-in-window.ts';
import { issueLink } from './account-links.ts';
import { accountModel } from './account-model.ts';
import { VERIFY_SECONDS } from './email-verification.ts';
import { looksLikeEmail, normalizeEmail } from './normalize-email.ts';

const HOUR_MS = 60 * 60 * 1000;
/** Address changes one account may start per hour. */
const EMAIL_CHANGES_PER_HOUR = 5;

type EmailChangeResult = { ok: true; email: string } | { ok: false; reason: 'email' | 'same' | 'limited' };

/**
 * Starts changing an account's address: the new address gets a link, and only opening it makes
 * the change (so a typo, or a session in the wrong hands, cannot move the account to an address
 * its owner does not read). A taken address gets the same answer and no link: whether it has an
 * account stays unsaid.
 */
export async function requestEmailChange(
  deps: NotifyDeps,
  accountId: string,
  input: string,
): Promise<EmailChangeResult> {
  const email = normalizeEmail(input);
  if (!looksLikeEmail(email)) return { ok: false, reason: 'email' };
  const Account = accountModel(deps.connection);
  if (await Account.exists({ _id: accountId, email })) return { ok: false, reason: 'same' };
  if ((await countInWindow(deps.connection, `email-change:${accountId}`, HOUR_MS)) > EMAIL_CHANGES_PER_HOUR)
    return { ok: false, reason: 'limited' };
  if (await Account.exists({ email })) return { ok: true, email };
  const token = await issueLink(deps.connection, { accountId, purpose: 'email-change', email }, VERIFY_SECONDS);
  await mailOwner(deps, 'change-email', email, {
    path: `/email/verify?token=${token}`,
    hours: VERIFY_SECONDS / 3600,
  });
  return { ok: true, email };
}
