import { accountModel } from '../../accounts/account-model.ts';
import { revokeAccountGrants } from '../../accounts/revoke-account-grants.ts';
import {
  listPasskeys,
  type PasskeyRemoval,
  removeAllPasskeys,
  removePasskey,
  requirePasskey,
} from '../../passkeys/manage-passkeys.ts';
import { type AdminDeps, AdminProblem, conflict, invalid, recordAdmin } from '../admin-deps.ts';
import { storedUser } from '../users.ts';
import { checkedInput } from './checked-input.ts';
import { passkeyRemovalSchema } from './schemas.ts';

/** A user's passkeys, oldest first: never their keys. */
export async function userPasskeys(deps: AdminDeps, id: string) {
  await storedUser(deps, id);
  return (await listPasskeys(deps.connection, id)).map((p) => ({
    id: p._id,
    ...(p.name ? { name: p.name } : {}),
    kind: p.deviceType === 'singleDevice' ? ('device-bound' as const) : ('synced' as const),
    ...(p.aaguid ? { aaguid: p.aaguid } : {}),
    created_at: p.createdAt.toISOString(),
    ...(p.lastUsedAt ? { last_used_at: p.lastUsedAt.toISOString() } : {}),
  }));
}

const busy = () => conflict("another change to this user's passkeys is in progress: retry");

function refused(why: 'last' | 'none' | 'busy'): AdminProblem {
  if (why === 'busy') return busy();
  if (why === 'none') return new AdminProblem(404, 'not-found', 'the user has no such passkey');
  return invalid('this user signs in only with passkeys: allow the password first, or it could not sign in at all');
}

/**
 * Removes one passkey, or every one ("all": a lost device), and with `sign_out` ends every session
 * and grant too. The last passkey of a passkey-only account is refused. Returns how many went.
 */
export async function removeUserPasskeys(
  deps: AdminDeps,
  id: string,
  input: unknown,
): Promise<{ removed: number; grantsRevoked: number }> {
  const { passkey, sign_out } = checkedInput(passkeyRemovalSchema, input);
  await storedUser(deps, id);
  const removal: PasskeyRemoval =
    passkey === 'all'
      ? await removeAllPasskeys(deps.connection, id)
      : await removePasskey(deps.connection, id, passkey);
  if ('refused' in removal) throw refused(removal.refused);
  const grantsRevoked = sign_out ? await revokeAccountGrants(deps.connection, id) : 0;
  await recordAdmin(deps, 'admin.passkey.revoked', {
    account: id,
    details: { passkey, removed: removal.removed, grantsRevoked },
  });
  return { removed: removal.removed, grantsRevoked };
}

/** Passkey-only: the user's password is no longer accepted. Refused when it has no passkey. */
export async function requireUserPasskey(deps: AdminDeps, id: string): Promise<void> {
  await storedUser(deps, id);
  const made = await requirePasskey(deps.connection, id);
  if (made === false) throw invalid('the user has no passkey: it could not sign in at all');
  if (made !== true) throw busy();
  await recordAdmin(deps, 'admin.user.passkey_only', { account: id });
}

/** Accepts the password of a passkey-only user again. */
export async function allowUserPassword(deps: AdminDeps, id: string): Promise<void> {
  await storedUser(deps, id);
  await accountModel(deps.connection).updateOne(
    { _id: id },
    { $set: { passwordDisabled: false, updatedAt: new Date() } },
  );
  await recordAdmin(deps, 'admin.user.password_allowed', { account: id });
}
