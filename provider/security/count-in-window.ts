import type { Connection } from 'mongoose';

import { rateWindowModel } from './rate-window-model.ts';

/**
 * Counts one event of `key` in the current fixed window of `windowMs` and returns the count so
 * far, this one included: one atomic upsert, shared by every instance.
 */
export async function countInWindow(connection: Connection, key: string, windowMs: number): Promise<number> {
  const now = Date.now();
  const start = now - (now % windowMs);
  const counted = await rateWindowModel(connection)
    .findOneAndUpdate(
      { _id: `${key}|${start}` },
      { $inc: { count: 1 }, $setOnInsert: { expiresAt: new Date(start + 2 * windowMs) } },
      { upsert: true, returnDocument: 'after', projection: { count: 1 } },
    )
    .lean<{ count: number }>();
  return counted?.count ?? 1;
}
