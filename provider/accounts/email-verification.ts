import type { NotifyDeps } from '../mail/notify-account.ts';
import { countInWindow } from '../security/count-in-window.ts';
import { accountModel, type AccountRecord } from './account-model.ts';
import { issueLink, peekLink, takeLink } from './account-links.ts';
import { mailOwner } from '../mail/mail-owner.ts';

/** How long a verification link works: a day, as the mail says. */
export const VERIFY_SECONDS = 24 * 60 * 60;
const HOUR_MS = 60 * 60 * 1000;
/** Verification mails one account may be sent per hour (each sign-in attempt may ask for one). */
export const VERIFICATIONS_PER_HOUR = 5;

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

/** The address a verification link confirms, while it works (opening it does not use it up). */
export async function verificationLink(deps: Pick<VerificationDeps, 'connection'>, token: string) {
  return peekLink(deps.connection, token, ['verify']);
}

/**
 * Confirms the address from a link: used up once, and only if the account still has the address
 * the link was mailed to. Returns the account, or undefined for a link that does not work.
 */
export async function confirmEmail(
  deps: Pick<VerificationDeps, 'connection'>,
  token: string,
): Promise<string | undefined> {
  const link = await takeLink(deps.connection, token, ['verify']);
  if (!link) return undefined;
  const confirmed = await accountModel(deps.connection).updateOne(
    { _id: link.accountId, email: link.email },
    { $set: { emailVerified: true, mustVerifyEmail: false, updatedAt: new Date() } },
  );
  return confirmed.matchedCount === 1 ? link.accountId : undefined;
}

/** Whether the account's address is confirmed; one indexed read. */
export async function isEmailVerified(connection: NotifyDeps['connection'], accountId: string): Promise<boolean> {
  const account = await accountModel(connection)
    .findById(accountId, { emailVerified: 1 })
    .lean<Pick<AccountRecord, 'emailVerified'>>();
  return account?.emailVerified === true;
}
