import { randomBytes } from 'node:crypto';

import type { Connection } from 'mongoose';

import { accountModel, type AccountRecord } from '../accounts/account-model.ts';
import { createAccount } from '../accounts/create-account.ts';
import { displayNameProblem } from '../security/display-name.ts';
import { type AccountChoice, chooseAccount } from './choose-account.ts';
import { identityLinkModel } from './identity-link-model.ts';
import { createLink, findLink, touchLink } from './identity-links.ts';
import type { ActiveIdp } from './idp-directory.ts';
import type { VerifiedIdentity } from './upstream-flow-model.ts';

type Settlement = Exclude<AccountChoice, { kind: 'create' }> | { kind: 'created'; accountId: string };

const state = (account: Pick<AccountRecord, '_id' | 'disabled'> | null) =>
  account ? { accountId: account._id, disabled: account.disabled } : undefined;

/**
 * Settles which account an upstream identity signs in as (choose-account.ts), creating it just
 * in time when the upstream may provision. A linked sign-in records when and what the upstream
 * said; a new account starts with a random password nobody knows (like an invitation) and the
 * upstream-verified email.
 */
export async function settleIdentity(
  connection: Connection,
  idp: ActiveIdp,
  identity: VerifiedIdentity,
): Promise<Settlement> {
  const Account = accountModel(connection);
  let link = await findLink(connection, idp._id, identity.sub);
  const linked = link ? state(await Account.findById(link.accountId, { disabled: 1 }).lean()) : undefined;
  if (link && !linked) {
    // The account is gone: so is the link, and the identity starts afresh.
    await identityLinkModel(connection).deleteOne({ _id: link._id });
    link = null;
  }
  const sameEmail =
    !link && identity.email
      ? state(await Account.findOne({ email: identity.email }, { disabled: 1 }).lean())
      : undefined;
  const choice = chooseAccount(identity, {
    ...(linked ? { linked } : {}),
    ...(sameEmail ? { sameEmail } : {}),
    provision: idp.provision,
  });
  const upstream = { idp: idp._id, ...identity };
  if (choice.kind === 'linked' && link) await touchLink(connection, link._id, upstream);
  if (choice.kind !== 'create') return choice;

  let accountId: string;
  try {
    accountId = await createAccount(connection, {
      email: identity.email!,
      // An upstream's name we would refuse from a person is left out, not a failed sign-in.
      name: identity.name && !displayNameProblem(identity.name) ? identity.name : undefined,
      emailVerified: true,
      password: randomBytes(32).toString('base64url'),
    });
  } catch (err) {
    // Made by someone else a moment ago: it is an existing account now, and wants its proof.
    if ((err as { code?: number }).code !== 11000) throw err;
    const existing = await Account.findOne({ email: identity.email }, { disabled: 1 }).lean();
    if (!existing) throw err;
    return { kind: 'prove', accountId: existing._id };
  }
  if (!(await createLink(connection, upstream, accountId))) {
    // The same identity finished a parallel sign-in first: the account just made is not needed.
    await Account.deleteOne({ _id: accountId });
    const winner = await findLink(connection, idp._id, identity.sub);
    return winner ? { kind: 'linked', accountId: winner.accountId } : { kind: 'refused', reason: 'disabled' };
  }
  return { kind: 'created', accountId };
}

/**
 * Links the identity to the account its user has just proved (password or passkey). The
 * upstream vouched for the email, so an unconfirmed self-registered address counts as confirmed.
 */
export async function linkProvedAccount(
  connection: Connection,
  idp: ActiveIdp,
  identity: VerifiedIdentity,
  accountId: string,
): Promise<boolean> {
  if (!(await createLink(connection, { idp: idp._id, ...identity }, accountId))) return false;
  await accountModel(connection).updateOne(
    { _id: accountId, email: identity.email },
    { $set: { emailVerified: true, mustVerifyEmail: false, updatedAt: new Date() } },
  );
  return true;
}
