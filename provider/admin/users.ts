import { accountModel, type AccountRecord } from '../accounts/account-model.ts';
import { normalizeEmail } from '../accounts/normalize-email.ts';
import { grantedApplications } from '../accounts/granted-applications.ts';
import { revokeAccountGrants } from '../accounts/revoke-account-grants.ts';
import { removeFactor } from '../mfa/manage-factor.ts';
import { mfaModel } from '../mfa/mfa-model.ts';
import { mfaStatus } from '../mfa/mfa-status.ts';
import { listPasskeys } from '../passkeys/manage-passkeys.ts';
import { accessOfUser } from '../roles/manage-groups.ts';
import { unlockAccount } from '../security/login-throttle.ts';
import { listLinks } from '../upstream/identity-links.ts';
import { type AdminDeps, invalid, notFound, recordAdmin } from './admin-deps.ts';
import { startsWithPattern } from './literal-pattern.ts';
import { checkedInput } from './users/checked-input.ts';
import { userPatchSchema } from './users/schemas.ts';

export interface UserView {
  id: string;
  email: string;
  name?: string;
  email_verified: boolean;
  disabled: boolean;
  created_at: string;
}

const view = (account: AccountRecord): UserView => ({
  id: account._id,
  email: account.email,
  ...(account.name ? { name: account.name } : {}),
  email_verified: account.emailVerified === true,
  disabled: account.disabled === true,
  created_at: account.createdAt.toISOString(),
});

const PROJECTION = { passwordHash: 0 } as const;

/** The stored account (without its password hash), or a 404. */
export async function storedUser(deps: Pick<AdminDeps, 'connection'>, id: string): Promise<AccountRecord> {
  const account = await accountModel(deps.connection).findById(id, PROJECTION).lean<AccountRecord>();
  if (!account) throw notFound(`user ${id}`);
  return account;
}

/** Users by email, a page at a time; `q` matches the start of the email (an index prefix scan). */
export async function listUsers(
  deps: Pick<AdminDeps, 'connection'>,
  options: { q?: string; after?: string; limit: number },
): Promise<UserView[]> {
  const email: Record<string, unknown> = {};
  if (options.q) email.$regex = startsWithPattern(options.q.trim().toLowerCase());
  if (options.after) email.$gt = options.after;
  const accounts = await accountModel(deps.connection)
    .find(Object.keys(email).length ? { email } : {}, PROJECTION)
    .sort({ email: 1 })
    .limit(options.limit)
    .lean<AccountRecord[]>();
  return accounts.map(view);
}

/** The user with this email (as typed: it is normalized here), or a 404 naming it. */
export async function findUserByEmail(deps: Pick<AdminDeps, 'connection'>, email: string): Promise<UserView> {
  const account = await accountModel(deps.connection)
    .findOne({ email: normalizeEmail(email) }, PROJECTION)
    .lean<AccountRecord>();
  if (!account) throw notFound(`user ${email}`);
  return view(account);
}

export async function getUser(deps: Pick<AdminDeps, 'connection'>, id: string): Promise<UserView> {
  return view(await storedUser(deps, id));
}

/** Everything the console's user page shows: factors, passkeys, links, groups, roles, applications. */
export async function userDetail(deps: AdminDeps, id: string) {
  const account = await storedUser(deps, id);
  const [mfa, passkeys, links, access, applications] = await Promise.all([
    mfaStatus(deps.connection, id),
    listPasskeys(deps.connection, id),
    listLinks(deps.connection, id),
    accessOfUser(deps.connection, id),
    grantedApplications(await deps.provider(), deps.connection, id),
  ]);
  return {
    ...view(account),
    second_factor: mfa.enrolled,
    passkeys: passkeys.map((p) => ({ id: p._id, name: p.name, created_at: p.createdAt.toISOString() })),
    links: links.map((l) => ({ idp: l.idp, email: l.email, linked_at: l.createdAt.toISOString() })),
    groups: access?.groups ?? [],
    roles: (access?.roles ?? []).map((r) => ({ resource: r.resource, role: r.name })),
    applications,
  };
}

/** Blocks (and signs out everywhere) or allows a user's sign-in. */
export async function setUserDisabled(deps: AdminDeps, id: string, disabled: boolean): Promise<UserView> {
  await storedUser(deps, id);
  await accountModel(deps.connection).updateOne({ _id: id }, { $set: { disabled, updatedAt: new Date() } });
  const revoked = disabled ? await revokeAccountGrants(deps.connection, id) : 0;
  await recordAdmin(deps, disabled ? 'admin.user.disabled' : 'admin.user.enabled', {
    account: id,
    ...(disabled ? { details: { grantsRevoked: revoked } } : {}),
  });
  return view(await storedUser(deps, id));
}

/** Applies a change to a user (today: disabled or not); nothing to change answers the user as it is. */
export async function updateUser(deps: AdminDeps, id: string, input: unknown): Promise<UserView> {
  const patch = checkedInput(userPatchSchema, input);
  if (patch.disabled === undefined) return getUser(deps, id);
  return setUserDisabled(deps, id, patch.disabled);
}

/** Clears failed sign-in and second-factor counters and locks. */
export async function unlockUser(deps: AdminDeps, id: string): Promise<void> {
  const account = await storedUser(deps, id);
  await unlockAccount(deps.connection, account.email);
  await mfaModel(deps.connection).updateOne({ _id: id }, { $set: { failures: 0, lockedUntil: null } });
  await recordAdmin(deps, 'admin.user.unlocked', { account: id });
}

/** Removes the second factor and recovery codes. */
export async function resetUserMfa(deps: AdminDeps, id: string): Promise<void> {
  await storedUser(deps, id);
  if (!(await mfaStatus(deps.connection, id)).enrolled) throw invalid('the user has no second factor');
  await removeFactor({ connection: deps.connection }, id);
  await recordAdmin(deps, 'admin.user.mfa_reset', { account: id });
}
