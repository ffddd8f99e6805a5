import { accountModel, type AccountRecord } from '../../provider/accounts/account-model.ts';
import { normalizeEmail } from '../../provider/accounts/normalize-email.ts';
import { AdminError, type AdminContext } from './admin-context.ts';

/** The account with this email, or an AdminError naming it. */
export async function findUser(ctx: AdminContext, email: string): Promise<AccountRecord> {
  const found = await accountModel(ctx.connection)
    .findOne({ email: normalizeEmail(email) })
    .lean<AccountRecord>();
  if (!found) throw new AdminError(`no user ${email}`);
  return found;
}
