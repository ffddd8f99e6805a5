import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { type AddressInfo, isIP } from 'node:net';

import Koa from 'koa';
import type { Connection } from 'mongoose';
import type { Provider } from 'oidc-provider';

import { connectDatabase } from '../adapters/database.ts';
import { keepEmbeddedPort, keptEmbeddedPort } from './dev-data/embedded-port.ts';
import { ACCOUNT_CLIENT_ID, ensureAccountClient } from './self-service/account-client.ts';
import { adminApiIndicator, ensureAdminApi } from './admin/admin-api-resource.ts';
import { CONSOLE_CLIENT_ID, ensureConsoleClient } from './admin/console/console-client.ts';
import { createApp } from './app.ts';
import type { Config, HttpConfig } from './config.ts';
import { seedDemo, type DemoSeed } from './demo/seed-demo.ts';
import type { AdminDeps } from './admin/admin-deps.ts';
import { ensureIndexes } from './ensure-indexes.ts';
import { startReaper } from './dev-data/reap-expired.ts';
import { startKeyReloader } from './keys/key-reloader.ts';
import { clientChanges } from '../adapters/client-changes.ts';
import { ensureKeys, loadKeys, type ProviderKeys } from './keys/key-store.ts';
import { checkMfaKey } from './mfa/mfa-key-check.ts';
import { httpServer } from './http/http-server.ts';
import { metricsEndpoint } from './http/request-metrics.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { watchDatabaseOutage } from './observability/database-outage.ts';
import { createMetrics, observeDatabase, type Metrics } from './observability/metrics.ts';
import { createProvider } from './oidc/create-provider.ts';
import { ResourceServerDirectory } from './resources/resource-server-directory.ts';
import { AccessDirectory } from './roles/access-directory.ts';
import type { RenderPage } from './oidc/screens.ts';
import { renderScreen } from './views/render-screen.ts';
import { DynamicClientLifetime } from './clients/dynamic-client-lifetime.ts';
import { applyDeclaration, describeChanges } from './declarative/apply-declaration.ts';
import { parseDeclaration } from './declarative/parse-declaration.ts';
import { secretResolver } from './declarative/secret-reference.ts';
import { keptData } from './dev-data/kept-data.ts';
import { riskyDefaults } from './risky-defaults.ts';
import { settleByDeadline } from './settle-by-deadline.ts';
import { ProviderHolder } from './oidc/provider-holder.ts';
import { auditKey } from './security/audit-hash.ts';
import { AuditLog } from './security/audit-log.ts';
import { Mailer } from './mail/mailer.ts';
import { LogoutDeliveries } from './logout/deliver-logouts.ts';
import { LoginThrottle } from './security/login-throttle.ts';
import { createViews } from './templates/environment.ts';

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

function warnAboutRiskySettings(config: Config, logger: Logger): void {
  for (const warning of riskyDefaults(config)) logger.warn({ risky: true }, `RISKY SETTING: ${warning}`);
  if (isIP(config.webauthn.rpId) !== 0) {
    logger.warn(
      `passkeys are unavailable: browsers refuse an IP address (${config.webauthn.rpId}) as their relying party; give ISSUER a host name`,
    );
  }
  if (config.mail.mode === 'off') {
    logger.warn(
      'SMTP_URL is not set: "Forgot password?" and security notices by mail are off (set SMTP_URL and MAIL_FROM to turn them on)',
    );
  }
  if (config.mongodbUri === undefined) return;
  if (config.mfa.ephemeralKey) {
    logger.warn(
      'MFA_ENCRYPTION_KEY is not set: TOTP secrets enrolled now cannot be read after a restart or by another instance',
    );
  }
  if (config.keys.ephemeralKey) {
    logger.warn(
      'KEY_ENCRYPTION_KEY is not set: the keys created now cannot be opened after a restart or by another instance',
    );
  }
}

/**
 * What `npm run admin` or a second instance needs to work on this very process's embedded
 * database: its address and the two keys its secrets are sealed with (throwaway or development
 * keys: demo secrets like the others).
 */
function adminEnvironment(config: Config, embeddedUri: string | undefined): Record<string, string> | undefined {
  if (embeddedUri === undefined) return undefined;
  return {
    MONGODB_URI: embeddedUri,
    KEY_ENCRYPTION_KEY: config.keys.encryptionKey.toString('base64'),
    MFA_ENCRYPTION_KEY: config.mfa.encryptionKey.toString('base64'),
  };
}

/** MESHID_CONFIG at start-up: what the file declares is made true; a bad file stops start-up. */
async function applyConfigFile(
  config: Config,
  admin: AdminDeps,
  logger: Logger,
  environment: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const file = config.configFile!;
  const declaration = parseDeclaration(await readFile(file, 'utf8'), file);
  const result = await applyDeclaration(admin, declaration, {
    resolveSecret: secretResolver(environment, config.secretsDir),
    keepClients: [ACCOUNT_CLIENT_ID, CONSOLE_CLIENT_ID],
    keepResources: [adminApiIndicator(config.issuer)],
    passwordMinLength: config.passwordMinLength,
    passwordHashing: config.passwordHashing,
  });
  logger.info({ file, changes: describeChanges(result.changes) }, 'configuration file applied');
  // Generated secrets are shown once, like the demo's: on the console, never in the log.
  for (const { kind, id, secret } of result.generated)
    process.stdout.write(`${kind} ${id}: generated secret ${secret} (shown once)\n`);
}

function keyAges(keys: ProviderKeys): Record<string, number> {
  return Object.fromEntries(
    Object.entries(keys.currentSince).map(([alg, since]) => [alg, (Date.now() - since.getTime()) / 1000]),
  );
}

/**
 * /metrics on a port of its own (METRICS_PORT), away from the public listener, with the same
 * timeouts and shutdown deadline (a scraper that stalls mid-request must not hold the process).
 */
async function listenForMetrics(
  metrics: Metrics,
  host: string,
  port: number,
  limits: HttpConfig,
): Promise<{ url: string; close(): Promise<void> }> {
  const app = new Koa();
  app.use(metricsEndpoint(metrics));
  const listener = httpServer(app.callback(), limits);
  listener.server.listen(port, host);
  await once(listener.server, 'listening');
  const address = listener.server.address() as AddressInfo;
  return { url: `http://${host}:${address.port}/metrics`, close: () => listener.close() };
}

/** config → database → keys → provider → app → listen. main.ts and the tests both start here. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.logLevel, options.logDestination);
  const database = await connectDatabase(
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
  const { connection } = database;
  try {
    warnAboutRiskySettings(config, logger);
    await ensureIndexes(connection);
    // Development keeps the embedded database's contents between runs (DEV_DATA_DIR).
    const kept = database.embedded ? await keptData(connection, config.devDataDir, logger) : undefined;
    if (kept) await keepEmbeddedPort(config.devDataDir, database.embeddedUri);
    // The embedded database never runs its TTL indexes: a sweep does their job (real MongoDB needs none).
    const stopReaper = database.embedded ? startReaper(connection, logger) : () => undefined;
    await ensureKeys(connection, config.keys.encryptionKey);
    const keys = await loadKeys(connection, config.keys.encryptionKey, config.keys.retiredRetentionSeconds);
    await checkMfaKey(connection, config.mfa.encryptionKey);
    const views = createViews();
    const renderPage: RenderPage = (ctx, template, data, status) => renderScreen(views, ctx, template, data, status);
    let holder: ProviderHolder | undefined;
    const metrics = createMetrics(() => keyAges(holder?.keys ?? keys));
    observeDatabase(connection, metrics);
    const outage = watchDatabaseOutage(connection, metrics, logger);
    const audit = new AuditLog(connection, logger, {
      key: auditKey(config.keys.encryptionKey),
      failuresPerMinute: config.auditFailuresPerMinute,
      onEvent: (event) => metrics.securityEvents.inc({ event: event.event, outcome: event.outcome }),
    });
    // Self-registered clients unused for REGISTRATION_UNUSED_DAYS are swept out, hourly.
    const dynamicClients =
      config.registration === 'off' ? undefined : new DynamicClientLifetime(connection, config.registrationUnusedDays);
    const sweepClients = () =>
      dynamicClients
        ?.sweep()
        .then((deleted) => deleted.length && logger.info({ deleted }, 'unused self-registered clients deleted'))
        .catch((err: unknown) => outage.jobFailed('client-sweep', err, 'unused self-registered clients not swept'));
    void sweepClients();
    const clientSweep = setInterval(sweepClients, 60 * 60 * 1000);
    clientSweep.unref();
    // One directory of APIs (and its cache) for the protocol and the consent screen alike.
    const directory = new ResourceServerDirectory(connection, config.clientCacheTtl);
    // Groups and roles, cached like clients: a change reaches new tokens within CLIENT_CACHE_TTL.
    const access = new AccessDirectory(connection, config.clientCacheTtl);
    holder = new ProviderHolder(
      (current) =>
        createProvider({
          config,
          connection,
          keys: current,
          renderPage,
          logger,
          audit,
          metrics,
          outage,
          directory,
          access,
          outgoingFetch: options.outgoingFetch,
          dynamicClients,
        }),
      keys,
    );
    await ensureAccountClient(holder.provider, connection, config.issuer);
    await ensureAdminApi(connection, config.issuer);
    await ensureConsoleClient(holder.provider, connection, config.issuer);
    // The configuration file and the demo are administrative changes like any other: audited as `via: config`.
    const admin: AdminDeps = {
      connection,
      audit,
      provider: () => holder.provider,
      actor: { via: 'config' },
      issuer: config.issuer,
      keys: { encryptionKey: config.keys.encryptionKey, retiredRetentionSeconds: config.keys.retiredRetentionSeconds },
    };
    if (config.configFile !== undefined) {
      await applyConfigFile(config, admin, logger, options.secretEnvironment ?? {});
    }
    const demo = config.demoSeed ? await seedDemo(admin) : undefined;
    if (demo && config.mongodbUri !== undefined)
      logger.warn({ risky: true }, 'demo seeded into a kept database: its secrets were printed to the console');
    const mailer = new Mailer({ connection, config: config.mail, logger, metrics, outage });
    mailer.start();
    const logouts = new LogoutDeliveries({ connection, live: holder, logger, metrics, audit, outage });
    logouts.start();
    void mailer.deliverDue().catch((err: unknown) => logger.warn({ err }, 'mail: due mails not tried at start-up'));
    // Made before the app, which asks it whether the process is draining (/readyz).
    let listener: ReturnType<typeof httpServer> | undefined;
    const app = createApp({
      draining: () => listener?.draining ?? false,
      config,
      mailer,
      holder,
      directory,
      access,
      connection,
      views,
      logger,
      audit,
      metrics,
      outage,
      mfa: { connection, encryptionKey: config.mfa.encryptionKey, issuerName: config.mfa.issuerName },
      throttle: new LoginThrottle(connection, config.loginThrottle),
    });
    const live = holder;
    const auditFlush = setInterval(() => {
      audit
        .flushSuppressed()
        .catch((err: unknown) => outage.jobFailed('audit', err, 'audit: summary of suppressed events not written yet'));
    }, 60_000);
    auditFlush.unref();
    // Every CLIENT_CHANGE_SECONDS, one small read: a client changed elsewhere drops this instance's caches.
    const changes = clientChanges(connection);
    // One line when reading starts failing and one when it recovers, not one per tick of an outage.
    let markerUnread = false;
    const pollClientChanges = () =>
      changes.poll().then(
        () => {
          if (markerUnread) logger.info('client change marker read again');
          markerUnread = false;
        },
        (err: unknown) => {
          if (!markerUnread) logger.warn({ err }, 'client change marker not read');
          markerUnread = true;
        },
      );
    void pollClientChanges();
    const clientChangePoll = setInterval(pollClientChanges, config.clientChangeSeconds * 1000);
    clientChangePoll.unref();
    const reloader = startKeyReloader({
      connection,
      config: config.keys,
      logger,
      current: () => live.keys,
      onChange: (fresh) => live.replace(fresh),
      outage,
    });

    listener = httpServer(app.callback(), config.http);
    const server: Server = listener.server.listen(config.port, config.host);
    await once(server, 'listening');
    const publicListener = listener;
    // After the public listener: a METRICS_PORT of 0 must not be handed the public port.
    const metricsServer =
      config.metricsPort === undefined
        ? undefined
        : await listenForMetrics(metrics, config.metricsHost, config.metricsPort, config.http);
    const { port } = server.address() as AddressInfo;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    logger.info({ url, issuer: config.issuer }, 'listening');

    return {
      url,
      connection,
      logger,
      audit,
      demo,
      auditKey: auditKey(config.keys.encryptionKey),
      adminEnvironment: adminEnvironment(config, database.embeddedUri),
      devDataDir: kept ? config.devDataDir : undefined,
      metricsUrl: metricsServer?.url,
      get provider() {
        return live.provider;
      },
      get keys() {
        return live.keys;
      },
      reloadKeys: reloader.check,
      async close() {
        // Everything has until SHUTDOWN_TIMEOUT_MS: the listeners cut what is still open then, and
        // whatever else is still pending is abandoned (one log line) so the process can exit.
        const endsAt = Date.now() + config.http.shutdownTimeoutMs;
        const drained = publicListener.close();
        const metricsClosed = metricsServer?.close();
        // Development: a snapshot now, before any deadline, and the last one once drained.
        const savedEarly = kept?.stop();
        reloader.stop();
        clearInterval(auditFlush);
        clearInterval(clientSweep);
        clearInterval(clientChangePoll);
        stopReaper();
        const abandoned = await settleByDeadline(
          {
            'HTTP connections': drained,
            'metrics listener': metricsClosed,
            'mail deliveries': mailer.stop(),
            'back-channel logout deliveries': logouts.stop(),
          },
          // Not endsAt - now: started after the listeners' own deadlines, this one ends after them.
          config.http.shutdownTimeoutMs,
        );
        // Development waits for its snapshot even past the deadline: stopping must not lose data.
        await savedEarly;
        await kept?.stop();
        abandoned.push(...(await settleByDeadline({ 'database connection': database.close() }, endsAt - Date.now())));
        if (abandoned.length > 0)
          logger.warn({ abandoned }, `shutdown deadline passed, abandoned: ${abandoned.join(', ')}`);
      },
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}
