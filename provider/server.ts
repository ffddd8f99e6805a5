import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Connection } from 'mongoose';
import type { Provider } from 'oidc-provider';

import { connectDatabase } from '../adapters/database.ts';
import { ensureAccountClient } from './account/account-client.ts';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { seedDemo, type DemoSeed } from './demo/seed-demo.ts';
import { ensureIndexes } from './ensure-indexes.ts';
import { loadOrCreateKeys } from './keys/key-store.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { createProvider } from './oidc/create-provider.ts';
import { AuditLog } from './security/audit-log.ts';
import { LoginThrottle } from './security/login-throttle.ts';
import { createViews } from './views/environment.ts';

export interface RunningServer {
  /** where it listens, e.g. http://127.0.0.1:3000 */
  url: string;
  provider: Provider;
  connection: Connection;
  logger: Logger;
  demo: DemoSeed | undefined;
  close(): Promise<void>;
}

export interface StartOptions {
  /** where JSON logs go (tests capture them); stdout by default */
  logDestination?: NodeJS.WritableStream;
}

/** config → database → keys → provider → app → listen. main.ts and the tests both start here. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.logLevel, options.logDestination);
  const database = await connectDatabase(config, logger);
  try {
    if (config.mfa.ephemeralKey && config.mongodbUri !== undefined) {
      logger.warn('MFA_ENCRYPTION_KEY is not set: TOTP secrets enrolled now cannot be read after a restart or by another instance');
    }
    await ensureIndexes(database.connection);
    const keys = await loadOrCreateKeys(database.connection);
    const views = createViews();
    const audit = new AuditLog(database.connection, logger);
    const provider = createProvider({ config, connection: database.connection, keys, views, logger, audit });
    await ensureAccountClient(provider, database.connection, config.issuer);
    const demo = config.demoSeed ? await seedDemo(provider, database.connection) : undefined;
    const app = createApp({ config, provider, connection: database.connection, views, logger, cookieKeys: keys.cookie,
      mfa: { connection: database.connection, encryptionKey: config.mfa.encryptionKey, issuerName: config.mfa.issuerName },
      audit, throttle: new LoginThrottle(database.connection, config.loginThrottle) });

    const server: Server = app.listen(config.port, config.host);
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    logger.info({ url, issuer: config.issuer }, 'listening');

    return {
      url, provider, connection: database.connection, logger, demo,
      async close() {
        // Stop accepting, let in-flight requests finish, then close the database.
        server.closeIdleConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await database.close();
      },
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}
