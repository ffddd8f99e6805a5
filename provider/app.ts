import Koa from 'koa';
import type { Connection } from 'mongoose';
import type nunjucks from 'nunjucks';

import { clientChanges } from '../adapters/client-changes.ts';

import type { AccountDeps } from './self-service/account-deps.ts';
import { accountRoutes } from './self-service/index.ts';
import type { Config } from './config.ts';
import { accessLog } from './http/access-log.ts';
import { errorHandler } from './http/error-handler.ts';
import { health } from './http/health.ts';
import { issuerHost } from './http/issuer-host.ts';
import { homePage } from './pages/home-page.ts';
import { notFound } from './http/not-found.ts';
import { protocolBodyLimit } from './http/protocol-body-limit.ts';
import { protocolFormCharset } from './http/protocol-form-charset.ts';
import { requestId } from './http/request-id.ts';
import { metricsEndpoint, requestMetrics } from './http/request-metrics.ts';
import { secureCookies } from './http/secure-cookies.ts';
import { staticAssets } from './http/static-assets.ts';
import type { InteractionDeps } from './interactions/interaction-deps.ts';
import type { ResourceServerDirectory } from './resources/resource-server-directory.ts';
import { liveTokens } from './tokens/live-tokens.ts';
import { validateRoute } from './validate/validate-route.ts';
import { underPrefix } from './http/under-prefix.ts';
import { adminApi } from './admin/api/index.ts';
import { consoleRoutes } from './admin/console/index.ts';
import type { AccessDirectory } from './roles/access-directory.ts';
import { VERSION } from './http/version.ts';
import { dpopChecker } from './validate/dpop-check.ts';
import { deviceCodeThrottle } from './http/device-code-throttle.ts';
import { interactionRoutes } from './interactions/index.ts';
import type { MfaDeps } from './mfa/mfa-deps.ts';
import type { Logger } from './observability/logger.ts';
import type { DatabaseOutage } from './observability/database-outage.ts';
import type { Metrics } from './observability/metrics.ts';
import { authorizationServerMetadata } from './oidc/authorization-server-metadata.ts';
import type { ProviderHolder } from './oidc/provider-holder.ts';
import type { AuditLog } from './security/audit-log.ts';
import type { LoginThrottle } from './security/login-throttle.ts';
import { devMailPage } from './pages/dev-mail/dev-mail-page.ts';
import { forgotPasswordRoutes } from './pages/forgot-password/index.ts';
import { verifyEmailRoutes } from './pages/verify-email/index.ts';
import { signUpRoutes } from './pages/sign-up/index.ts';
import type { Mailer } from './mail/mailer.ts';
import type { NotifyDeps } from './mail/notify-account.ts';
import { IdpDirectory } from './upstream/idp-directory.ts';
import { UpstreamClients } from './upstream/upstream-client.ts';
import type { UpstreamDeps } from './upstream/upstream-deps.ts';
import { upstreamRoutes } from './pages/upstream-sign-in/index.ts';
import { throughUpstreamLogout } from './pages/upstream-sign-in/upstream-logout.ts';

export interface AppInput {
  config: Config;
  holder: ProviderHolder;
  /** the APIs (shared with the protocol's resource indicators, and its cache) */
  directory: ResourceServerDirectory;
  /** who holds which roles (the console's door) */
  access: AccessDirectory;
  connection: Connection;
  views: nunjucks.Environment;
  logger: Logger;
  mfa: MfaDeps;
  audit: AuditLog;
  throttle: LoginThrottle;
  metrics: Metrics;
  outage: DatabaseOutage;
  mailer: Mailer;
  /** true once the process is shutting down (/readyz answers 503) */
  draining?: () => boolean;
}

/** Composes the Koa app: our middleware and screens first, oidc-provider's protocol routes last. */
export function createApp({
  config,
  holder,
  directory,
  access,
  connection,
  views,
  logger,
  mfa,
  audit,
  throttle,
  metrics,
  outage,
  mailer,
  draining,
}: AppInput): Koa {
  const app = new Koa();
  // oidc-provider, mounted, sets its cookies through this app's context: sign them with the
  // same keys it verifies them with, which change when keys rotate.
  Object.defineProperty(app, 'keys', { get: () => holder.keys.cookie, set: () => undefined });
  // X-Forwarded-* are believed only when the operator says proxies set them, and of
  // X-Forwarded-For only the entries those proxies appended: the client writes the rest.
  app.proxy = config.proxyHops > 0;
  app.maxIpsCount = config.proxyHops;
  app.on('error', (err) => logger.error({ err }, 'koa error outside a request handler'));

  // One explicit object. The holder is the live part: after a key rotation the routes read the
  // rebuilt provider and the new cookie keys from it.
  const notify: NotifyDeps = {
    connection,
    mailer,
    logger,
    issuer: config.issuer,
    product: config.mfa.issuerName,
  };
  const idps = new IdpDirectory(connection, config.keys.encryptionKey);
  const upstreams: UpstreamDeps = {
    directory: idps,
    clients: new UpstreamClients({
      timeoutMs: config.upstreamTimeoutMs,
      clientSecret: (idp) => idps.clientSecret(idp),
    }),
    issuer: config.issuer,
  };
  const screenDeps: InteractionDeps = {
    live: holder,
    resources: directory,
    clientMetadataHosts: config.clientMetadataHosts,
    connection,
    views,
    logger,
    mfa,
    mfaPolicy: config.mfa.policy,
    audit,
    throttle,
    webauthn: config.webauthn,
    passwordHashing: config.passwordHashing,
    forgotPassword: mailer.enabled,
    signUp: config.signup.mode !== 'off',
    notify,
    upstreams,
  };

  const accountDeps: AccountDeps = {
    ...screenDeps,
    issuer: config.issuer,
    passwordMinLength: config.passwordMinLength,
    reauthSeconds: config.accountReauthSeconds,
  };
  const interactions = interactionRoutes(screenDeps);
  const account = accountRoutes(accountDeps);

  app.use(issuerHost(config.issuer));
  app.use(requestId({ trustIncoming: config.proxyHops > 0 }));
  app.use(requestMetrics(metrics));
  if (config.issuer.startsWith('https:')) app.use(secureCookies);
  app.use(accessLog(logger));
  app.use(errorHandler(views, logger, outage));
  app.use(notFound);
  app.use(staticAssets());
  app.use(homePage(views, config.mfa.issuerName));
  app.use(health(connection, config.databaseTimeoutMs, draining));
  // Internals are nobody's business on the public port, unless a scraper brings the token.
  if (config.metricsToken !== undefined) app.use(metricsEndpoint(metrics, config.metricsToken));
  app.use(
    adminApi({
      issuer: config.issuer,
      version: VERSION,
      connection,
      audit,
      logger,
      outage,
      provider: () => holder.provider,
      // The admin API sees a revocation at once: no cache.
      resolveToken: liveTokens({ live: holder, cacheSeconds: 0 }),
      callsPerMinute: config.adminApiCallsPerMinute,
      keys: { encryptionKey: config.keys.encryptionKey, retiredRetentionSeconds: config.keys.retiredRetentionSeconds },
      invite: mailer.enabled
        ? { ...notify, passwordMinLength: config.passwordMinLength, resetSeconds: config.mail.passwordResetSeconds }
        : undefined,
    }),
  );
  app.use(
    validateRoute(
      config.issuer,
      config.validateDefaultAudiences,
      liveTokens({
        live: holder,
        cacheSeconds: config.validateCacheSeconds,
        clientChanges: clientChanges(connection),
      }),
      dpopChecker(holder),
    ),
  );
  const upstreamPages = upstreamRoutes({ upstreams, connection, views, audit, logger, live: holder });
  app.use(underPrefix('/upstream', upstreamPages));
  app.use(underPrefix('/interaction', interactions));
  app.use(underPrefix('/account', account));
  const adminConsole = consoleRoutes({
    live: holder,
    connection,
    views,
    audit,
    issuer: config.issuer,
    version: VERSION,
    access,
    keys: { encryptionKey: config.keys.encryptionKey, retiredRetentionSeconds: config.keys.retiredRetentionSeconds },
    reauthSeconds: config.accountReauthSeconds,
  });
  app.use(underPrefix('/admin', adminConsole));
  if (mailer.enabled) {
    const forgot = forgotPasswordRoutes({
      ...notify,
      views,
      audit,
      passwordMinLength: config.passwordMinLength,
      passwordHashing: config.passwordHashing,
      resetSeconds: config.mail.passwordResetSeconds,
    });
    app.use(underPrefix('/password', forgot));
    const verify = verifyEmailRoutes({ ...notify, views, audit });
    app.use(underPrefix('/email', verify));
  }
  if (config.signup.mode !== 'off') {
    const signUp = signUpRoutes({
      ...notify,
      views,
      audit,
      signup: config.signup,
      passwordMinLength: config.passwordMinLength,
      passwordHashing: config.passwordHashing,
    });
    app.use(underPrefix('/signup', signUp));
  }
  // Development without SMTP_URL, on the embedded database only: the mails that were not sent.
  if (config.mail.devPage) app.use(devMailPage(connection, views));
  app.use(authorizationServerMetadata);
  app.use(deviceCodeThrottle(connection, views));
  app.use(throughUpstreamLogout({ live: holder, connection, upstreams, logger, views }));
  app.use(protocolBodyLimit);
  app.use(protocolFormCharset);
  app.use(holder.middleware());
  return app;
}
