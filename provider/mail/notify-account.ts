import type { Connection } from 'mongoose';

import { accountModel, type AccountRecord } from '../accounts/account-model.ts';
import { normalizeEmail } from '../accounts/normalize-email.ts';
import type { Logger } from '../observability/logger.ts';
import type { Mailer } from './mailer.ts';
import { mailOwner } from './mail-owner.ts';

/** The security notices an account gets by mail, in words. */
const NOTICES = {
  password_changed: {
    headline: 'Your password was changed',
    detail: 'Every other device and application was signed out.',
  },
  password_reset: {
    headline: 'Your password was reset',
    detail: 'Someone used a reset link sent to this address. Every device and application was signed out.',
  },
  mfa_added: { headline: 'Two-step verification was turned on', detail: 'Sign-ins now ask for a code from your app.' },
  mfa_removed: { headline: 'Two-step verification was turned off', detail: 'Sign-ins no longer ask for a code.' },
  passkey_added: { headline: 'A passkey was added', detail: 'It can now be used to sign in.' },
  passkey_removed: { headline: 'A passkey was removed', detail: 'It can no longer be used to sign in.' },
  new_device: {
    headline: 'New sign-in to your account',
    detail: 'Your account was signed in to from a browser it had not been used from before.',
  },
  account_locked: {
    headline: 'Sign-in was locked after many wrong passwords',
    detail: 'Someone kept trying wrong passwords for your account, so sign-in with a password is paused for a while.',
  },
} as const;

type Notice = keyof typeof NOTICES;

export interface NotifyDeps {
  connection: Connection;
  mailer: Mailer;
  logger: Logger;
  issuer: string;
  /** the name the mails sign with (MFA_ISSUER_NAME) */
  product: string;
}

/** The same, for the account with this email if there is one (sign-in knows only the address typed). */
export async function notifyAddress(deps: NotifyDeps, email: string, notice: Notice): Promise<void> {
  if (!deps.mailer.enabled) return;
  try {
    const account = await accountModel(deps.connection)
      .findOne({ email: normalizeEmail(email) }, { _id: 1 })
      .lean<Pick<AccountRecord, '_id'>>();
    if (account) await notifyAccount(deps, account._id, notice);
  } catch (err) {
    deps.logger.warn({ err, notice }, 'security notice not queued');
  }
}

/**
 * Tells the account's owner, by mail, that something changed on their account. The change is
 * already made: a mail that cannot be queued is logged, never an error for the user.
 */
export async function notifyAccount(deps: NotifyDeps, accountId: string, notice: Notice, extra = ''): Promise<void> {
  if (!deps.mailer.enabled) return;
  try {
    const account = await accountModel(deps.connection)
      .findById(accountId, { email: 1 })
      .lean<Pick<AccountRecord, 'email'>>();
    if (!account) return;
    const words = NOTICES[notice];
    await mailOwner(deps, 'security-notice', account.email, {
      ...words,
      detail: extra ? `${words.detail} ${extra}` : words.detail,
      when: new Date().toUTCString(),
    });
  } catch (err) {
    deps.logger.warn({ err, notice }, 'security notice not queued');
  }
}
