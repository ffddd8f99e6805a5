import type { Connection } from 'mongoose';
import type { Account, FindAccount } from 'oidc-provider';

import { accountModel, type AccountRecord } from './account-model.ts';
import type { AccessDirectory } from '../roles/access-directory.ts';
import { groupsClaim } from '../roles/access-rules.ts';
import { userPrincipal } from '../roles/principal-access-model.ts';

/** The standard claims of one account; oidc-provider keeps only those the granted scopes allow. */
function accountClaims(account: AccountRecord): Record<string, unknown> {
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

/**
 * oidc-provider's `findAccount`: a disabled or deleted account is no account. The `groups` claim
 * (the `groups` scope) is read only when that scope was granted.
 */
export function makeFindAccount(connection: Connection, access: AccessDirectory): FindAccount {
  const Account = accountModel(connection);
  return async function findAccount(_ctx, sub): Promise<Account | undefined> {
    const account = await Account.findById(sub, { passwordHash: 0 }).lean<AccountRecord>();
    if (!account || account.disabled) return undefined;
    return {
      accountId: account._id,
      claims: async (_use, scope) => ({
        ...accountClaims(account),
        ...(scope.split(' ').includes('groups')
          ? { groups: groupsClaim(await access.of(userPrincipal(account._id))) }
          : {}),
        sub: account._id,
      }),
    };
  };
}
