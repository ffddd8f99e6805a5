import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

import type { Connection } from 'mongoose';

import { AdminProblem } from './admin-deps.ts';
import { changeLockModel } from './change-lock-model.ts';

/** Longer than any change takes; a holder that crashed frees the resource after this. */
const LOCK_MS = 15_000;

/** The locks this async flow holds: a service called inside the API's lock takes it once, not twice. */
const held = new AsyncLocalStorage<ReadonlySet<string>>();

const busy = () => new AdminProblem(409, 'conflict', 'another change to this is in progress: read it again and retry');

/**
 * The lock of one administered resource, named by its admin API path (`/clients/{id}` with the
 * id filled in), so the API and the console take the same lock for the same client.
 */
export function resourceLockKey(path: string, params: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}

/**
 * Runs `work` (a precondition check and its write) as the only change to `key` in progress on
 * any instance: an If-Match compared and then written is otherwise a race, and two administrators
 * who read the same version would both pass it. The lock is an insert on a unique _id, so exactly
 * one of two concurrent changes gets it; the other is answered 409 at once.
 */
export async function withChangeLock<T>(connection: Connection, key: string, work: () => Promise<T>): Promise<T> {
  const holding = held.getStore() ?? new Set<string>();
  if (holding.has(key)) return work();
  const Lock = changeLockModel(connection);
  const owner = randomUUID();
  const take = () => Lock.insertMany([{ _id: key, expiresAt: new Date(Date.now() + LOCK_MS), owner }]);
  try {
    await take();
  } catch (err) {
    if ((err as { code?: number }).code !== 11000) throw err;
    // A lapsed lock (its holder crashed) is cleared, conditionally, and taken once more.
    const cleared = await Lock.deleteOne({ _id: key, expiresAt: { $lt: new Date() } });
    if (cleared.deletedCount !== 1) throw busy();
    try {
      await take();
    } catch (again) {
      if ((again as { code?: number }).code === 11000) throw busy();
      throw again;
    }
  }
  try {
    return await held.run(new Set([...holding, key]), work);
  } finally {
    // Only its own: had it lapsed, another holder may have taken the lock since.
    await Lock.deleteOne({ _id: key, owner });
  }
}
