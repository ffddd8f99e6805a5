import { join } from 'node:path';

import type { Connection } from 'mongoose';

import { restoreSnapshot, saveSnapshot } from '../../adapters/database-snapshot.ts';
import type { Logger } from '../observability/logger.ts';

const SAVE_EVERY_MS = 15_000;

/**
 * Keeps the embedded development database across restarts, like Keycloak's start-dev: the last
 * snapshot in `dir` is loaded at start, a new one is written every 15 seconds and at a clean
 * stop (atomically: a crash leaves the last good copy). Nothing of this runs against MONGODB_URI.
 */
export async function keptData(
  connection: Connection,
  dir: string | undefined,
  logger: Logger,
): Promise<{ stop(): Promise<void> } | undefined> {
  if (dir === undefined) return undefined;
  const file = join(dir, 'database.json');
  const restored = await restoreSnapshot(connection, file);
  logger.info(
    { file, documents: restored },
    restored ? 'development data restored' : 'development data: starting empty',
  );

  let saving: Promise<unknown> = Promise.resolve();
  const save = () => {
    // One write at a time: a slow save is not overtaken by the next tick.
    saving = saving
      .then(() => saveSnapshot(connection, file))
      .catch((err: unknown) => logger.warn({ err }, 'development data could not be saved'));
    return saving;
  };
  const timer = setInterval(save, SAVE_EVERY_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await save();
    },
  };
}
