import type { Database } from '../../adapters/database.ts';
import type { Config } from '../config.ts';
import { keepEmbeddedPort } from '../dev-data/embedded-port.ts';
import { keptData } from '../dev-data/kept-data.ts';
import { startReaper } from '../dev-data/reap-expired.ts';
import { ensureIndexes } from '../ensure-indexes.ts';
import type { Logger } from '../observability/logger.ts';

interface PreparedStorage {
  /** the embedded database's contents kept between runs (DEV_DATA_DIR), if they are */
  kept: { stop(): Promise<void> } | undefined;
  /** ends the embedded database's sweep of expired records (nothing to end with real MongoDB) */
  stopReaper: () => void;
}

/** Every index; with the embedded database, its kept contents and the sweep its missing TTL reaper needs. */
export async function prepareStorage(config: Config, database: Database, logger: Logger): Promise<PreparedStorage> {
  const { connection } = database;
  await ensureIndexes(connection);
  // Development keeps the embedded database's contents between runs (DEV_DATA_DIR).
  const kept = database.embedded ? await keptData(connection, config.devDataDir, logger) : undefined;
  if (kept) await keepEmbeddedPort(config.devDataDir, database.embeddedUri);
  // The embedded database never runs its TTL indexes: a sweep does their job (real MongoDB needs none).
  const stopReaper = database.embedded ? startReaper(connection, logger) : () => undefined;
  return { kept, stopReaper };
}
