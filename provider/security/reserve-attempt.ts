import type { Model, mongo } from 'mongoose';

/** A failure counter as stored: login throttle records and the mfa record share these fields. */
interface AttemptCounter {
  _id: string;
  failures: number;
  lockedUntil?: Date | null;
  /** when the count is forgotten (login throttle only; TTL index, checked on read too) */
  expiresAt?: Date;
}

export type Reservation =
  | { ok: true; failures: number /** seconds the next attempt must wait if this one fails */; wait: number }
  | { ok: false; retryAfter: number };

interface ReserveOptions {
  /** seconds to refuse attempts after this many failures in a row (0: none) */
  delay(failures: number): number;
  /** a counter is forgotten this long after its last attempt; unset: never */
  memoryMs?: number;
  /** create the counter when there is none (false: no counter, no attempt) */
  insert: boolean;
}

const TRIES = 5;

function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number })?.code === 11000;
}

function secondsUntil(date: Date | null | undefined, now: number): number {
  return date ? Math.max(0, Math.ceil((date.getTime() - now) / 1000)) : 0;
}

/**
 * Reserves one guess before it is checked: the attempt is counted as a failure up front, and the
 * wait a failure would impose is already set, with a compare-and-set on the count that was read.
 * Of several concurrent attempts each takes its own place in the count, and none can slip past a
 * delay or a lock that an earlier one set: a burst checks no more guesses than the limit allows.
 * The caller clears the counter when the guess turns out right. A lost compare-and-set reads
 * again; after a few lost rounds the attempt is refused for a second rather than waiting.
 */
export async function reserveAttempt<T extends AttemptCounter>(
  model: Model<T>,
  id: string,
  read: AttemptCounter | null | undefined,
  options: ReserveOptions,
): Promise<Reservation> {
  // The raw collection (no casting: these are plain numbers and dates); the driver's default
  // document type only knows ObjectId ids, these documents have string ids.
  const counters = model.collection as unknown as mongo.Collection<AttemptCounter>;
  let stored = read;
  for (let attempt = 0; attempt < TRIES; attempt += 1) {
    if (attempt > 0) stored = await model.findById(id).lean<AttemptCounter>();
    const now = Date.now();
    const live = stored && (!stored.expiresAt || stored.expiresAt.getTime() > now) ? stored : undefined;
    const locked = secondsUntil(live?.lockedUntil, now);
    if (locked > 0) return { ok: false, retryAfter: locked };

    const failures = (live?.failures ?? 0) + 1;
    const wait = options.delay(failures);
    const next = {
      failures,
      lockedUntil: wait > 0 ? new Date(now + wait * 1000) : null,
      ...(options.memoryMs === undefined ? {} : { expiresAt: new Date(now + options.memoryMs) }),
    };
    if (!stored) {
      if (!options.insert) return { ok: false, retryAfter: 0 };
      try {
        await counters.insertOne({ _id: id, ...next });
        return { ok: true, failures, wait };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        continue;
      }
    }
    const claimed = await counters.updateOne(
      { _id: id, failures: stored.failures, lockedUntil: stored.lockedUntil ?? null },
      { $set: next },
    );
    if (claimed.matchedCount === 1) return { ok: true, failures, wait };
  }
  return { ok: false, retryAfter: 1 };
}
