import type { Connection } from 'mongoose';

import { accountModel, type AccountRecord } from './account-model.ts';

/** What the account page shows of the signed-in account itself. */
type OwnAccount = Pick<AccountRecord, 'email' | 'emailVerified' | 'passwordDisabled'>;

/** The signed-in account's address, whether it is confirmed and whether it has a password; null if gone. */
export function ownAccount(connection: Connection, accountId: string): Promise<OwnAccount | null> {
  return accountModel(connection)
    .findById(accountId, { email: 1, emailVerified: 1, passwordDisabled: 1 })
    .lean<OwnAccount>()
    .exec();
}
