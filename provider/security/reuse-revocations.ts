import type { Connection } from 'mongoose';

import { auditModel, type AuditRecord } from './audit-model.ts';

const RECENT_MS = 30 * 24 * 60 * 60 * 1000;

interface ReuseRevocation {
  clientId: string;
  at: Date;
}

/**
 * The grants of an account revoked in the last 30 days because an old token was used again
 * (the audit's grant.revoked_on_reuse): the account page tells the user, since a stolen token is
 * the usual cause. At most five, newest first; one indexed read.
 */
export async function recentReuseRevocations(connection: Connection, accountId: string): Promise<ReuseRevocation[]> {
  const records = await auditModel(connection)
    .find(
      { account: accountId, event: 'grant.revoked_on_reuse', at: { $gte: new Date(Date.now() - RECENT_MS) } },
      { client: 1, at: 1 },
    )
    .sort({ at: -1 })
    .limit(5)
    .lean<Pick<AuditRecord, 'client' | 'at'>[]>();
  return records.map((record) => ({ clientId: record.client ?? 'an application', at: record.at }));
}
