import type { Connection } from 'mongoose';

import type { Logger } from '../observability/logger.ts';

/** How often the embedded database is swept. */
const REAP_EVERY_MS = 60_000;

/**
 * Does for the embedded development database what a TTL index does on real MongoDB, which
 * the embedded one never does: deletes the records whose TTL field has passed, for every TTL
 * index the models declare (ensure-indexes.ts creates every index through them, so a new one is
 * covered too). Without it a demo left running slows down and grows: its lists are scanned on
 * every read.
 */
export async function reapExpired(connection: Connection, now = Date.now()): Promise<number> {
  let removed = 0;
  for (const model of Object.values(connection.models)) {
    for (const [fields, options] of model.schema.indexes()) {
      const seconds = (options as { expireAfterSeconds?: unknown }).expireAfterSeconds;
      const [field] = Object.keys(fields);
      if (typeof seconds !== 'number' || !field) continue;
      const cutoff = new Date(now - seconds * 1000);
      removed += (await model.deleteMany({ [field]: { $lt: cutoff } })).deletedCount;
    }
  }
  return removed;
}

/** Sweeps on a timer (unref'd: it never keeps the process alive); failures are logged and retried next time. */
export function startReaper(connection: Connection, logger: Logger, everyMs = REAP_EVERY_MS): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    reapExpired(connection)
      .then((removed) => removed > 0 && logger.debug({ removed }, 'embedded database: expired records deleted'))
      .catch((err: unknown) => logger.warn({ err }, 'embedded database: expired records not deleted'))
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
