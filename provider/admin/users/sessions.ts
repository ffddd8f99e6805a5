import { revokeAccountGrants } from '../../accounts/revoke-account-grants.ts';
import { endAccountSession, listAccountSessions } from '../../sessions/account-sessions.ts';
import { type AdminDeps, notFound, recordAdmin } from '../admin-deps.ts';
import { storedUser } from '../users.ts';
import { checkedInput } from './checked-input.ts';
import { itemIdSchema } from './schemas.ts';

/** A user's browser sessions: when and how they signed in, and the applications each signed in to. */
export async function userSessions(deps: AdminDeps, id: string) {
  await storedUser(deps, id);
  return (await listAccountSessions(deps.connection, id)).map((s) => ({
    id: s.uid,
    ...(s.loginTs ? { signed_in_at: new Date(s.loginTs * 1000).toISOString() } : {}),
    amr: s.amr,
    applications: s.clientIds,
    ...(s.expiresAt ? { expires_at: s.expiresAt.toISOString() } : {}),
  }));
}

/** Ends one session of the user (its applications are told, its grants revoked); the grants revoked. */
export async function endUserSession(deps: AdminDeps, id: string, session: unknown): Promise<number> {
  const uid = checkedInput(itemIdSchema, session);
  await storedUser(deps, id);
  const revoked = await endAccountSession(deps.connection, id, uid);
  if (revoked === undefined) throw notFound(`session ${uid} of this user`);
  await recordAdmin(deps, 'admin.user.session_ended', {
    account: id,
    details: { session: uid, grantsRevoked: revoked },
  });
  return revoked;
}

/** Ends every session and grant of the user (refresh tokens, access tokens at introspection). */
export async function signOutUser(deps: AdminDeps, id: string): Promise<number> {
  await storedUser(deps, id);
  const revoked = await revokeAccountGrants(deps.connection, id);
  await recordAdmin(deps, 'admin.user.signed_out', { account: id, details: { grantsRevoked: revoked } });
  return revoked;
}
