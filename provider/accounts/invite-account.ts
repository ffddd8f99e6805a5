import { randomBytes } from 'node:crypto';
import { mailOwner } from '../mail/mail-owner.ts';

import type { NotifyDeps } from '../mail/notify-account.ts';
import { issueLink } from './account-links.ts';
import { createAccount } from './create-account.ts';
import { normalizeEmail } from './normalize-email.ts';

/** How long an invitation works: a week. */
const INVITE_SECONDS = 7 * 24 * 60 * 60;

/**
 * Creates an account for `email` and mails its owner a link to choose the first password (which
 * also confirms the address). The operator never sees or sets a password: the account is made
 * with a random one nobody knows.
 */
export async function inviteAccount(
  deps: NotifyDeps & { passwordMinLength: number },
  input: { email: string; name?: string },
): Promise<string> {
  const accountId = await createAccount(
    deps.connection,
    { email: input.email, name: input.name, password: randomBytes(32).toString('base64url') },
    { minPasswordLength: deps.passwordMinLength },
  );
  const email = normalizeEmail(input.email);
  const token = await issueLink(deps.connection, { accountId, purpose: 'invite', email }, INVITE_SECONDS);
  await mailOwner(deps, 'invitation', email, {
    name: input.name,
    path: `/password/reset?token=${token}`,
    days: INVITE_SECONDS / 86400,
  });
  return accountId;
}
