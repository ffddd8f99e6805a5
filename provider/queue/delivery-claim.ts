import type { Model } from 'mongoose';

/** What every delivery queue (mail outbox, back-channel logouts) keeps about an attempt. */
export interface DeliveryState {
  _id: string;
  status: string;
  attempts: number;
  nextTryAt: Date;
  lockedUntil?: Date | null;
}

/** A claimed delivery whose instance died mid-send is tried again after this. */
const CLAIM_MS = 2 * 60 * 1000;

/** Whether a delivery may be tried now: due and waiting, or claimed by an instance that never finished. */
function isClaimable(record: DeliveryState, now = Date.now()): boolean {
  return (
    (record.status === 'pending' && record.nextTryAt.getTime() <= now) ||
    (record.status === 'sending' && (record.lockedUntil?.getTime() ?? 0) <= now)
  );
}

/** The deliveries that are claimable now, at most `limit`. */
export function dueDeliveries<T extends DeliveryState>(model: Model<T>, limit = 50): Promise<T[]> {
  const now = new Date();
  return model
    .find({
      $or: [
        { status: 'pending', nextTryAt: { $lte: now } },
        { status: 'sending', lockedUntil: { $lte: now } },
      ],
    })
    .limit(limit)
    .lean<T[]>()
    .exec();
}

/**
 * Claims one delivery for this instance: a compare-and-set on the status and attempt count it
 * was read with, so of several instances (or passes) only one sends it. Counts the attempt.
 */
export async function claimDelivery<T extends DeliveryState>(model: Model<T>, record: DeliveryState): Promise<boolean> {
  if (!isClaimable(record)) return false;
  // Plain fields of DeliveryState: mongoose's generic filter types cannot see them through T.
  const claimed = await model.updateOne(
    { _id: record._id, status: record.status, attempts: record.attempts } as never,
    { $set: { status: 'sending', lockedUntil: new Date(Date.now() + CLAIM_MS) }, $inc: { attempts: 1 } } as never,
  );
  return claimed.modifiedCount === 1;
}
