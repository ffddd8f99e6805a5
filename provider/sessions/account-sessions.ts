import type { Connection } from 'mongoose';

import { oidcModel, revokeGrants } from '../../adapters/mongodb.ts';
import { enqueueLogouts, logoutsForSessions } from '../logout/enqueue-logouts.ts';

interface SessionPayload {
  uid?: string;
  accountId?: string;
  loginTs?: number;
  amr?: string[];
  authorizations?: Record<string, { sid?: string; grantId?: string }>;
}

export interface AccountSession {
  /** the session's uid: its cookie value (the record's id) is a bearer secret and never leaves here */
  uid: string;
  loginTs?: number;
  amr: string[];
  clientIds: string[];
  expiresAt?: Date;
}

/** The live browser sessions (oidc-provider's Session records) of an account, newest sign-in first. */
export async function listAccountSessions(connection: Connection, accountId: string): Promise<AccountSession[]> {
  const now = Date.now();
  const records = await oidcModel(connection, 'Session').find({ 'payload.accountId': accountId }).lean();
  return records
    .filter((record) => !record.expiresAt || record.expiresAt.getTime() > now)
    .map((record) => {
      const payload = record.payload as SessionPayload;
      return {
        uid: String(payload.uid ?? record.uid),
        ...(payload.loginTs ? { loginTs: payload.loginTs } : {}),
        amr: payload.amr ?? [],
        clientIds: Object.keys(payload.authorizations ?? {}),
        ...(record.expiresAt ? { expiresAt: record.expiresAt } : {}),
      };
    })
    .sort((a, b) => (b.loginTs ?? 0) - (a.loginTs ?? 0));
}

/**
 * Ends one session of an account: the applications it signed in to are told (back-channel logout)
 * and the grants it made are revoked with their tokens, as "sign out everywhere" does for all of
 * them. The number of grants revoked, or undefined when the account has no such session.
 */
export async function endAccountSession(
  connection: Connection,
  accountId: string,
  uid: string,
): Promise<number | undefined> {
  const Session = oidcModel(connection, 'Session');
  // Find, then delete by id: the delete's count decides, so two concurrent ends revoke once.
  const record = await Session.findOne({ uid, 'payload.accountId': accountId }).lean();
  if (!record) return undefined;
  const { deletedCount } = await Session.deleteOne({ _id: record._id });
  if (deletedCount !== 1) return undefined;
  const payload = record.payload as SessionPayload;
  await enqueueLogouts(connection, logoutsForSessions([{ payload }]));
  const grantIds = Object.values(payload.authorizations ?? {}).flatMap((a) => (a.grantId ? [a.grantId] : []));
  await revokeGrants(connection, grantIds);
  return grantIds.length;
}
