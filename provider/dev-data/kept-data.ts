import { join } from 'node:path';

import type { CommandSucceededEvent } from 'mongodb';
import type { Connection } from 'mongoose';

import { restoreSnapshot, saveSnapshot } from '../../adapters/database-snapshot.ts';
import type { Logger } from '../observability/logger.ts';

/** How long after a write the snapshot is taken: the writes of one request (or a burst) share one save. */
const SAVE_AFTER_WRITE_MS = 500;

/** The commands that change what a snapshot holds. */
const WRITES = new Set(['insert', 'update', 'delete', 'findAndModify', 'drop', 'dropDatabase']);

/** Whether a succeeded command changed the data (pure, for the unit test). */
export function isWrite(commandName: string): boolean {
  return WRITES.has(commandName);
}

/**
 * Keeps the embedded development database across restarts, like Keycloak's start-dev: the last
 * snapshot in `dir` is loaded at start, a new one is written within a second of each change
 * (noticed through the driver's command monitoring, which the latency metric already turns on)
 * and at a clean stop, atomically: a crash, even SIGKILL, loses at most that last second.
 * Nothing of this runs against MONGODB_URI.
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
    // One write at a time: a slow save is not overtaken by the next one.
    saving = saving
      .then(() => saveSnapshot(connection, file))
      .catch((err: unknown) => logger.warn({ err }, 'development data could not be saved'));
    return saving;
  };
  let pending: NodeJS.Timeout | undefined;
  const onCommand = (event: CommandSucceededEvent) => {
    if (pending !== undefined || !isWrite(event.commandName)) return;
    pending = setTimeout(() => {
      // Cleared first: a write during the save schedules the next one.
      pending = undefined;
      void save();
    }, SAVE_AFTER_WRITE_MS);
    pending.unref();
  };
  const client = connection.getClient();
  client.on('commandSucceeded', onCommand);
  return {
    async stop() {
      client.off('commandSucceeded', onCommand);
      clearTimeout(pending);
      await save();
    },
  };
}
