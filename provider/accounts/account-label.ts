import type { Connection } from 'mongoose';

import { accountModel, type AccountRecord } from './account-model.ts';

/** The name an authenticator app shows for this account: its email. */
export async function accountLabel(connection: Connection, accountId: string): Promise<string> {
  const account = await accountModel(connection).findById(accountId, { email: 1 }).lean<Pick<AccountRecord, 'email'>>();
  return account?.email ?? accountId;
}
