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
import { startKeyReloader } from './keys/key-reloader.ts';
import { ensureKeys, loadKeys, type ProviderKeys } from './keys/key-store.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { createProvider } from './oidc/create-provider.ts';
import { ProviderHolder } from './oidc/provider-holder.ts';
import { AuditLog } from './security/audit-log.ts';
import { LoginThrottle } from './security/login-throttle.ts';
import { createViews } from './views/environment.ts';

export interface RunningServer {
  /** where it listens, e.g. http://127.0.0.1:3000 */
  url: string;
  /** the current oidc-provider instance (rebuilt when keys rotate) */
  readonly provider: Provider;
  readonly keys: ProviderKeys;
  connection: Connection;
  logger: Logger;
  audit: AuditLog;
  demo: DemoSeed | undefined;
  /** checks for rotated keys now instead of at the next tick (tests, admin tools) */
  reloadKeys(): Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** where JSON logs go (tests capture them); stdout by default */
  logDestination?: NodeJS.WritableStream;
}

function warnAboutThrowawayKeys(config: Config, logger: Logger): void {
  if (config.mongodbUri === undefined) return;
  if (config.mfa.ephemeralKey) logger.warn('MFA_ENCRYPTION_KEY is not set: TOTP secrets enrolled now cannot be read after a restart or by another instance');
  if (config.keys.ephemeralKey) logger.warn('KEY_ENCRYPTION_KEY is not set: the keys created now cannot be opened after a restart or by another instance');
}

/** config → database → keys → provider → app → listen. main.ts and the tests both start here. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.logLevel, options.logDestination);
  const database = await connectDatabase(config, logger);
  const { connection } = database;
  try {
    warnAboutThrowawayKeys(config, logger);
    await ensureIndexes(connection);
    await ensureKeys(connection, config.keys.encryptionKey);
    const keys = await loadKeys(connection, config.keys.encryptionKey, config.keys.retiredRetentionSeconds);
    const views = createViews();
    const audit = new AuditLog(connection, logger);
    const holder = new ProviderHolder((current) => createProvider({ config, connection, keys: current, views, logger, audit }), keys);
    await ensureAccountClient(holder.provider, connection, config.issuer);
    const demo = config.demoSeed ? await seedDemo(holder.provider, connection) : undefined;
    const app = createApp({
      config, holder, connection, views, logger, audit,
      mfa: { connection, encryptionKey: config.mfa.encryptionKey, issuerName: config.mfa.issuerName },
      throttle: new LoginThrottle(connection, config.loginThrottle),
    });
    const reloader = startKeyReloader({ connection, config: config.keys, logger, current: () => holder.keys, onChange: (fresh) => holder.replace(fresh) });

    const server: Server = app.listen(config.port, config.host);
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    logger.info({ url, issuer: config.issuer }, 'listening');

    return {
      url, connection, logger, audit, demo,
      get provider() { return holder.provider; },
      get keys() { return holder.keys; },
      reloadKeys: reloader.check,
      async close() {
        // Stop accepting, let in-flight requests finish, then close the database.
        reloader.stop();
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
