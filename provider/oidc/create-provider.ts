import { Provider } from 'oidc-provider';

import { clearSecretMatches, clientSecretMatches, isHashedClientSecret } from '../clients/client-secret.ts';
import type { DynamicClientLifetime } from '../clients/dynamic-client-lifetime.ts';
import { metadataOf } from './client-metadata.ts';
import type { Logger } from '../observability/logger.ts';
import type { DatabaseOutage } from '../observability/database-outage.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { AuditLog } from '../security/audit-log.ts';
import { registerGrants } from './grants/index.ts';
import { liveTokens } from '../tokens/live-tokens.ts';
import { buildConfiguration } from './configuration.ts';
import type { ConfigurationInput } from './configuration/configuration-input.ts';
import { isDatabaseUnavailable } from '../../adapters/database-errors.ts';
import { databaseUnavailable } from './database-unavailable.ts';
import { grantErrorDetails } from './grant-error-details.ts';
import { jwtIntrospection } from './jwt-introspection.ts';
import { queueBackchannelLogouts } from '../logout/deliver-logouts.ts';
import { devicePollPacing } from './device-poll-pacing.ts';
import { dpopReplayError } from './dpop-replay-error.ts';
import { registrationGuard } from './registration-guard.ts';
import { auditGrantReuse } from './reuse-audit.ts';
import { unauthorizedClient } from './unauthorized-client.ts';

/**
 * The oidc-provider instance with our configuration: hashed client secrets, JWT introspection,
 * token exchange, RFC error codes, 503 during database outages, metrics. Built again with new
 * keys on rotation (provider-holder.ts).
 */
export function createProvider(
  input: ConfigurationInput & {
    logger: Logger;
    audit: AuditLog;
    metrics: Metrics;
    /** where 503s for an unreachable database are counted (the admin CLI has none: it logs them) */
    outage?: DatabaseOutage;
    dynamicClients?: DynamicClientLifetime;
  },
): Provider {
  const { directory } = input;
  const provider = new Provider(input.config.issuer, buildConfiguration(input));
  provider.proxy = input.config.proxyHops > 0;
  provider.maxIpsCount = input.config.proxyHops;

  // An operator's clients store a hash of their secret (clients/client-secret.ts); a
  // self-registered confidential client its own secret, sealed at rest (sealed-client-secrets.ts).
  provider.Client.prototype.compareClientSecret = function compareClientSecret(
    this: InstanceType<Provider['Client']>,
    actual: string,
  ) {
    const stored = this.clientSecret;
    if (isHashedClientSecret(stored)) return clientSecretMatches(stored, actual);
    return metadataOf(this).dynamic_client === true && clearSecretMatches(stored, actual);
  };

  // Introspection and exchange see a revocation at once: no cache.
  const resolveToken = liveTokens({ live: { provider, keys: input.keys }, cacheSeconds: 0 });
  queueBackchannelLogouts(provider, input.connection);
  provider.use(jwtIntrospection(resolveToken));
  provider.use(devicePollPacing(input.connection));
  registerGrants(provider, { resolveToken, directory, access: input.access, audit: input.audit, config: input.config });
  if (input.config.registration !== 'off') {
    provider.use(
      registrationGuard(input.connection, input.audit, {
        maxClients: input.config.registrationMaxClients,
        perHour: input.config.registrationPerHour,
      }),
    );
  }
  provider.use(dpopReplayError(provider));
  provider.use(grantErrorDetails(provider, input.logger));
  provider.use(auditGrantReuse(provider, input.audit));
  provider.use(unauthorizedClient);
  provider.use(databaseUnavailable(provider, input.renderPage));

  provider.on('grant.success', (ctx) => {
    const client = ctx.oidc.client;
    if (client && input.dynamicClients && metadataOf(client).dynamic_client === true) {
      input.dynamicClients
        .used(client.clientId)
        .catch((err: unknown) => input.logger.warn({ err }, 'dynamic client use not recorded'));
    }
    const grantType = ctx.oidc.params?.grant_type;
    input.metrics.tokensIssued.inc({ grant_type: typeof grantType === 'string' ? grantType : 'unknown' });
  });

  // oidc-provider reports 5xx it caught here; the client sees only `server_error`.
  provider.on('server_error', (ctx, err) => {
    if (isDatabaseUnavailable(err)) {
      const route = ctx.oidc?.route ?? 'unknown';
      if (input.outage) input.outage.unavailable(route);
      else input.logger.warn({ route }, 'database unavailable');
      return;
    }
    input.logger.error({ err, route: ctx.oidc?.route, requestId: ctx.state?.requestId }, 'oidc-provider server error');
  });
  return provider;
}
