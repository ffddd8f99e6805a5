import { randomUUID } from 'node:crypto';

import type { Connection } from 'mongoose';

import { logoutDeliveryModel } from './logout-delivery-model.ts';

interface OwedLogout {
  clientId: string;
  sub: string;
  sid?: string;
}

/** Records logout tokens owed to clients; the provider's worker delivers them (deliver-logouts.ts). */
export async function enqueueLogouts(connection: Connection, owed: OwedLogout[]): Promise<void> {
  if (owed.length === 0) return;
  const now = new Date();
  await logoutDeliveryModel(connection).insertMany(
    owed.map((item) => ({
      _id: randomUUID(),
      clientId: item.clientId,
      sub: item.sub,
      sid: item.sid ?? null,
      status: 'pending',
      attempts: 0,
      nextTryAt: now,
      createdAt: now,
    })),
  );
}

/** The logouts owed for sessions about to end: each client a session signed in, with its sid. */
export function logoutsForSessions(
  sessions: { payload?: { accountId?: string; authorizations?: Record<string, { sid?: string }> } }[],
): OwedLogout[] {
  return sessions.flatMap((session) => {
    const sub = session.payload?.accountId;
    if (!sub) return [];
    return Object.entries(session.payload?.authorizations ?? {}).map(([clientId, { sid }]) => ({ clientId, sub, sid }));
  });
}
