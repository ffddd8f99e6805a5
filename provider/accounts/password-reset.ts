import type { Connection } from 'mongoose';
import { mailOwner } from '../mail/mail-owner.ts';

import type { Mailer } from '../mail/mailer.ts';
import { type NotifyDeps, notifyAccount } from '../mail/notify-account.ts';
import { countInWindow } from '../security/count-in-window.ts';
import { unlockAccount } from '../security/login-throttle.ts';
import { accountModel, type AccountRecord } from './account-model.ts';
import { normalizeEmail } from './normalize-email.ts';
import type { PasswordHashingConfig } from '../config.ts';
import { storePassword } from './store-password.ts';
import { passwordProblem } from './password-policy.ts';
import { issueLink, peekLink, takeLink } from './account-links.ts';
import type { LinkPurpose } from './account-link-model.ts';
import { revokeAccountGrants } from './revoke-account-grants.ts';

const HOUR_MS = 60 * 60 * 1000;
/** Reset requests per hour from one address, and for one email address (existing or not). */
const RESETS_PER_ADDRESS = 20;
const RESETS_PER_EMAIL = 5;

export interface PasswordResetDeps extends NotifyDeps {
  connection: Connection;
  mailer: Mailer;
  passwordMinLength: number;
  passwordHashing: PasswordHashingConfig;
  /** PASSWORD_RESET_TTL */
  resetSeconds: number;
}

/**
 * "Forgot password?": counts the request against the address and the email (both limits apply
 * whether or not the account exists, so neither answer says which), then, only for an account
 * that can sign in with a password, issues a link and mails it — after the answer, so an
 * existing account does not answer measurably slower. Returns the account it was for, if any
 * (for the audit log, never for the screen).
 */
export async function requestPasswordReset(
  deps: PasswordResetDeps,
  email: string,
  ip: string,
): Promise<{ limited: true } | { limited: false; accountId?: string }> {
  const normalized = normalizeEmail(email);
  const [fromAddress, forEmail] = await Promise.all([
    countInWindow(deps.connection, `reset-ip:${ip}`, HOUR_MS),
    countInWindow(deps.connection, `reset-email:${normalized}`, HOUR_MS),
  ]);
  if (fromAddress > RESETS_PER_ADDRESS || forEmail > RESETS_PER_EMAIL) return { limited: true };
  const account = await accountModel(deps.connection)
    .findOne({ email: normalized }, { email: 1, disabled: 1, passwordDisabled: 1 })
    .lean<Pick<AccountRecord, '_id' | 'email' | 'disabled' | 'passwordDisabled'>>();
  // A disabled account gets nothing; a passkey-only one has no password to reset.
  if (!account || account.disabled || account.passwordDisabled) return { limited: false };
  deps.mailer.inBackground(() => mailResetLink(deps, account));
  return { limited: false, accountId: account._id };
}

/** Issues a single-use reset link for the account (PASSWORD_RESET_TTL) and mails it to its owner. */
export async function mailResetLink(
  deps: Pick<PasswordResetDeps, 'connection' | 'resetSeconds'> & NotifyDeps,
  account: { _id: string; email: string },
): Promise<void> {
  const token = await issueLink(
    deps.connection,
    { accountId: account._id, purpose: 'reset', email: account.email },
    deps.resetSeconds,
  );
  await mailOwner(deps, 'password-reset', account.email, {
    path: `/password/reset?token=${token}`,
    minutes: Math.round(deps.resetSeconds / 60),
  });
}

/** The links that set a password: a reset, or an invitation's first password. */
const PASSWORD_LINKS: readonly LinkPurpose[] = ['reset', 'invite'];

/** Whether a password link still works (showing the form does not use it up), and for whom. */
export function passwordLink(deps: Pick<PasswordResetDeps, 'connection'>, token: string) {
  return peekLink(deps.connection, token, PASSWORD_LINKS);
}

type ResetResult =
  | { ok: true; accountId: string; purpose: LinkPurpose }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'policy'; problem: string };

/**
 * Sets the password from a mailed link (a reset, or an invitation): the policy first (a refused
 * password leaves the link working), then the link is used up, the password replaced, the address
 * marked verified (the link proved the mailbox), every session and token of the account revoked
 * and its sign-in locks cleared. The second factor is untouched: the next sign-in still asks for
 * it. After a reset the owner is told by mail.
 */
export async function completePasswordReset(
  deps: PasswordResetDeps,
  token: string,
  password: string,
): Promise<ResetResult> {
  const pending = await passwordLink(deps, token);
  const account = pending
    ? await accountModel(deps.connection)
        .findById(pending.accountId, { email: 1 })
        .lean<Pick<AccountRecord, '_id' | 'email'>>()
    : null;
  if (!pending || !account) return { ok: false, reason: 'invalid' };
  const problem = passwordProblem(password, deps.passwordMinLength, account.email);
  if (problem) return { ok: false, reason: 'policy', problem };
  if ((await takeLink(deps.connection, token, PASSWORD_LINKS))?.accountId !== account._id)
    return { ok: false, reason: 'invalid' };
  const proved = pending.email === account.email ? { emailVerified: true } : {};
  await storePassword(deps.connection, account._id, password, deps.passwordHashing, proved);
  await revokeAccountGrants(deps.connection, account._id);
  await unlockAccount(deps.connection, account.email);
  if (pending.purpose === 'reset') await notifyAccount(deps, account._id, 'password_reset');
  return { ok: true, accountId: account._id, purpose: pending.purpose };
}
