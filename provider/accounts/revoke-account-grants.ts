import type { Connection } from 'mongoose';

import { oidcModel, revokeGrants } from '../../adapters/mongodb.ts';
import { enqueueLogouts, logoutsForSessions } from '../logout/enqueue-logouts.ts';

export { revokeGrants };

/** The ids of the grants (consents) an account has given, with the client each is for. */
export async function accountGrants(
  connection: Connection,
  accountId: string,
): Promise<{ grantId: string; clientId: string }[]> {
  const grants = await oidcModel(connection, 'Grant').find({ 'payload.accountId': accountId }).lean();
  const now = Date.now();
  return grants
    .filter((grant) => !grant.expiresAt || grant.expiresAt.getTime() > now)
    .map((grant) => ({ grantId: grant._id, clientId: String((grant.payload as { clientId?: string }).clientId) }));
}

/**
 * Signs an account out everywhere: every grant it gave (and so every token issued from them) and
 * every SSO session, except `keepSession` if given. Used after a password change or reset
 * (RFC 9700 4.14.2) and by "sign out everywhere". Returns how many grants were revoked.
 */
export async function revokeAccountGrants(
  connection: Connection,
  accountId: string,
  { keepSession }: { keepSession?: string } = {},
): Promise<number> {
  const grants = await accountGrants(connection, accountId);
  await revokeGrants(
    connection,
    grants.map((grant) => grant.grantId),
  );
  const ending = { 'payload.accountId': accountId, ...(keepSession ? { _id: { $ne: keepSession } } : {}) };
  const Session = oidcModel(connection, 'Session');
  // Every application those sessions signed in to is told, by back-channel logout where it asked.
  await enqueueLogouts(connection, logoutsForSessions(await Session.find(ending, { payload: 1 }).lean()));
  await Session.deleteMany(ending);
  return grants.length;
}
