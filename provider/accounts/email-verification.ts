import type { NotifyDeps } from '../mail/notify-account.ts';
import { countInWindow } from '../security/count-in-window.ts';
import { accountModel, type AccountRecord } from './account-model.ts';
import { issueLink, peekLink, takeLink } from './account-links.ts';
import { mailOwner } from '../mail/mail-owner.ts';

/** How long a verification link works: a day, as the mail says. */
export const VERIFY_SECONDS = 24 * 60 * 60;
const HOUR_MS = 60 * 60 * 1000;
/** Verification mails one account may be sent per hour (each sign-in attempt may ask for one). */
const VERIFICATIONS_PER_HOUR = 5;

/** The database, the mailer and the words of the mails: the same as for security notices. */
export type VerificationDeps = NotifyDeps;

/**
 * Mails a link that confirms the account's current address, at most VERIFICATIONS_PER_HOUR an
 * hour. False when nothing was sent (limit, unknown account, already verified).
 */
export async function sendVerification(deps: VerificationDeps, accountId: string): Promise<boolean> {
  if (!deps.mailer.enabled) return false;
  const account = await accountModel(deps.connection)
    .findById(accountId, { email: 1, emailVerified: 1 })
    .lean<Pick<AccountRecord, '_id' | 'email' | 'emailVerified'>>();
  if (!account || account.emailVerified) return false;
  if ((await countInWindow(deps.connection, `verify:${account._id}`, HOUR_MS)) > VERIFICATIONS_PER_HOUR) return false;
  const token = await issueLink(
    deps.connection,
    { accountId: account._id, purpose: 'verify', email: account.email },
    VERIFY_SECONDS,
  );
  await mailOwner(deps, 'verify-email', account.email, {
    path: `/email/verify?token=${token}`,
    hours: VERIFY_SECONDS / 3600,
  });
  return true;
}

/** The links /email/verify accepts: the account's own address, or a new one for it. */
const EMAIL_LINKS = ['verify', 'email-change'] as const;

/** The address a verification link confirms, while it works (opening it does not use it up). */
export async function verificationLink(deps: Pick<VerificationDeps, 'connection'>, token: string) {
  return peekLink(deps.connection, token, EMAIL_LINKS);
}

/**
 * Confirms an address from a link, once. A `verify` link confirms the account's address if it is
 * still the one the link was mailed to; an `email-change` link makes its address the account's
 * (confirmed), unless another account took it meanwhile, and tells the old address. Returns the
 * account, or undefined for a link that does not work.
 */
export async function confirmEmail(deps: VerificationDeps, token: string): Promise<string | undefined> {
  const link = await takeLink(deps.connection, token, EMAIL_LINKS);
  if (!link) return undefined;
  const Account = accountModel(deps.connection);
  if (link.purpose === 'verify') {
    const confirmed = await Account.updateOne(
      { _id: link.accountId, email: link.email },
      { $set: { emailVerified: true, mustVerifyEmail: false, updatedAt: new Date() } },
    );
    return confirmed.matchedCount === 1 ? link.accountId : undefined;
  }
  const before = await Account.findById(link.accountId, { email: 1 }).lean<Pick<AccountRecord, 'email'>>();
  if (!before) return undefined;
  try {
    await Account.updateOne(
      { _id: link.accountId },
      { $set: { email: link.email, emailVerified: true, mustVerifyEmail: false, updatedAt: new Date() } },
    );
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return undefined;
    throw err;
  }
  await mailOwner(deps, 'security-notice', before.email, {
    headline: 'Your email address was changed',
    detail: `The account now signs in with ${link.email}.`,
    when: new Date().toUTCString(),
  }).catch((err: unknown) => deps.logger.warn({ err }, 'email change notice not queued'));
  return link.accountId;
}

/** Whether the account's address is confirmed; one indexed read. */
export async function isEmailVerified(connection: NotifyDeps['connection'], accountId: string): Promise<boolean> {
  const account = await accountModel(connection)
    .findById(accountId, { emailVerified: 1 })
    .lean<Pick<AccountRecord, 'emailVerified'>>();
  return account?.emailVerified === true;
}
