import type { Connection } from 'mongoose';
import type { Account, FindAccount } from 'oidc-provider';

import { accountModel, type AccountRecord } from './account-model.ts';

/** The standard claims of one account; oidc-provider keeps only those the granted scopes allow. */
export function accountClaims(account: AccountRecord): Record<string, unknown> {
  return {
    sub: account._id,
    email: account.email,
    email_verified: account.emailVerified,
    name: account.name,
    given_name: account.givenName,
    family_name: account.familyName,
    updated_at: Math.floor(account.updatedAt.getTime() / 1000),
  };
}

/** oidc-provider's `findAccount`: a disabled or deleted account is no account. */
export function makeFindAccount(connection: Connection): FindAccount {
  const Account = accountModel(connection);
  return async function findAccount(_ctx, sub): Promise<Account | undefined> {
    const account = await Account.findById(sub, { passwordHash: 0 }).lean<AccountRecord>();
    if (!account || account.disabled) return undefined;
    return { accountId: account._id, claims: async () => ({ ...accountClaims(account), sub: account._id }) };
  };
}
