import { connectDatabase, type Database } from '../../adapters/database.ts';
import type { Config } from '../config.ts';
import { keptEmbeddedPort } from '../dev-data/embedded-port.ts';
import type { Logger } from '../observability/logger.ts';

/** MONGODB_URI, or the embedded development database (on its last port, for a kept folder). */
export async function connectStorage(config: Config, logger: Logger): Promise<Database> {
  return connectDatabase(
    {
      uri: config.mongodbUri,
      databaseName: config.mongodbDatabase,
      production: config.nodeEnv === 'production',
      timeoutMs: config.databaseTimeoutMs,
      embeddedKeptIn: config.devDataDir,
      embeddedPort: config.mongodbUri === undefined ? await keptEmbeddedPort(config.devDataDir) : undefined,
    },
    logger,
  );
}
