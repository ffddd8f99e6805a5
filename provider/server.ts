import type { Connection } from 'mongoose';
import type { Provider } from 'oidc-provider';

import { createApp } from './app.ts';
import type { Config } from './config.ts';
import type { DemoSeed } from './demo/seed-demo.ts';
import type { ProviderKeys } from './keys/key-store.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import type { ProviderHolder } from './oidc/provider-holder.ts';
import { auditKey } from './security/audit-hash.ts';
import type { AuditLog } from './security/audit-log.ts';
import { LoginThrottle } from './security/login-throttle.ts';
import { adminEnvironment } from './start/admin-environment.ts';
import { startBackgroundJobs } from './start/background-jobs.ts';
import { buildProvider } from './start/build-provider.ts';
import { startClientSweep } from './start/client-sweep.ts';
import { connectStorage } from './start/connect-storage.ts';
import { startDeliveries } from './start/deliveries.ts';
import { type Listeners, startListeners } from './start/listeners.ts';
import { loadStartKeys } from './start/load-start-keys.ts';
import { startObservability } from './start/observability.ts';
import { prepareStorage } from './start/prepare-storage.ts';
import { type ShutdownParts, shutdown } from './start/shutdown.ts';
import { applyStartupChanges } from './start/startup-changes.ts';
import { warnAboutRiskySettings } from './start/warn-about-risky-settings.ts';

export interface RunningServer {
  /** where it listens, e.g. http://127.0.0.1:3000 */
  url: string;
  /** the current oidc-provider instance (rebuilt when keys rotate) */
  readonly provider: Provider;
  readonly keys: ProviderKeys;
  connection: Connection;
  logger: Logger;
  audit: AuditLog;
  /** the audit chain's HMAC key (from KEY_ENCRYPTION_KEY), for verifying it */
  auditKey: Uint8Array;
  demo: DemoSeed | undefined;
  /** where the embedded database's contents are kept between runs, if they are */
  devDataDir: string | undefined;
  /** with the embedded database: the environment under which the admin CLI reaches it while this runs */
  adminEnvironment: Record<string, string> | undefined;
  /** where Prometheus scrapes without a token (METRICS_PORT), if anywhere */
  metricsUrl: string | undefined;
  /** checks for rotated keys now instead of at the next tick (tests, admin tools) */
  reloadKeys(): Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** where JSON logs go (tests capture them); stdout by default */
  logDestination?: NodeJS.WritableStream;
  /** where the configuration file's secret references ({ env: NAME }) are looked up */
  secretEnvironment?: Readonly<Record<string, string | undefined>>;
  /** how the provider fetches client metadata documents (tests: a network of their own) */
  outgoingFetch?: typeof fetch;
}

/**
 * config → database → keys → provider → app → listen. main.ts and the tests both start here.
 * Each step is one function in start/, called in the order it must run.
 */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.logLevel, options.logDestination);
  const database = await connectStorage(config, logger);
  const { connection } = database;
  try {
    warnAboutRiskySettings(config, logger);
    const storage = await prepareStorage(config, database, logger);
    const keys = await loadStartKeys(config, connection);
    // Metrics come before the provider they measure: until it is built they report these keys' ages.
    let holder: ProviderHolder | undefined;
    const observers = startObservability(config, connection, logger, () => holder?.keys ?? keys);
    const sweep = startClientSweep(config, connection, logger, observers.outage);
    const built = await buildProvider({
      config,
      connection,
      logger,
      keys,
      observers,
      dynamicClients: sweep.dynamicClients,
      outgoingFetch: options.outgoingFetch,
    });
    const live = built.holder;
    holder = live;
    const demo = await applyStartupChanges({
      config,
      connection,
      audit: observers.audit,
      holder: live,
      logger,
      environment: options.secretEnvironment ?? {},
    });
    const deliveries = startDeliveries(config, connection, live, logger, observers);
    // Made before the listeners, which it asks whether the process is draining (/readyz).
    let listeners: Listeners | undefined;
    const app = createApp({
      draining: () => listeners?.publicListener.draining ?? false,
      config,
      mailer: deliveries.mailer,
      holder: live,
      directory: built.directory,
      access: built.access,
      connection,
      views: built.views,
      logger,
      audit: observers.audit,
      metrics: observers.metrics,
      outage: observers.outage,
      mfa: { connection, encryptionKey: config.mfa.encryptionKey, issuerName: config.mfa.issuerName },
      throttle: new LoginThrottle(connection, config.loginThrottle),
    });
    const jobs = startBackgroundJobs(config, connection, live, logger, observers);
    listeners = await startListeners(app, config, logger, observers.metrics);
    const parts: ShutdownParts = {
      timeoutMs: config.http.shutdownTimeoutMs,
      listeners,
      kept: storage.kept,
      stopJobs: [jobs.stop, sweep.stop, storage.stopReaper],
      deliveries,
      database,
      logger,
    };

    return {
      url: listeners.url,
      connection,
      logger,
      audit: observers.audit,
      demo,
      auditKey: auditKey(config.keys.encryptionKey),
      adminEnvironment: adminEnvironment(config, database.embeddedUri),
      devDataDir: storage.kept ? config.devDataDir : undefined,
      metricsUrl: listeners.metricsListener?.url,
      get provider() {
        return live.provider;
      },
      get keys() {
        return live.keys;
      },
      reloadKeys: jobs.reloadKeys,
      close: () => shutdown(parts),
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}
