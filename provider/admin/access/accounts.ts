import { accountModel } from '../../accounts/account-model.ts';
import { normalizeEmail } from '../../accounts/normalize-email.ts';
import { type AdminDeps, notFound } from '../admin-deps.ts';

/** The account id itself, when such an account exists: memberships and grants name real users only. */
export async function existingAccount(deps: Pick<AdminDeps, 'connection'>, id: string): Promise<string> {
  if (!(await accountModel(deps.connection).exists({ _id: id }))) throw notFound(`user ${id}`);
  return id;
}

/** The id of the account with this email (doors that name users by email: the console, a configuration file). */
export async function accountIdByEmail(
  deps: Pick<AdminDeps, 'connection'>,
  email: string,
): Promise<string | undefined> {
  const found = await accountModel(deps.connection)
    .findOne({ email: normalizeEmail(email) }, { _id: 1 })
    .lean<{ _id: string }>();
  return found?._id;
}

/** Emails of these accounts, for listings of members and holders. */
export async function emailsOf(deps: Pick<AdminDeps, 'connection'>, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const found = await accountModel(deps.connection)
    .find({ _id: { $in: ids } }, { email: 1 })
    .lean<{ _id: string; email: string }[]>();
  return new Map(found.map((a) => [a._id, a.email]));
}
