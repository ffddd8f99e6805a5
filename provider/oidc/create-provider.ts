import { Provider } from 'oidc-provider';

import { clientSecretMatches } from '../clients/client-secret.ts';
import { publicJwks } from '../keys/public-jwks.ts';
import type { Logger } from '../observability/logger.ts';
import { buildConfiguration, type ConfigurationInput } from './configuration.ts';
import { jwtIntrospection } from './jwt-introspection.ts';
import { unauthorizedClient } from './unauthorized-client.ts';

/** The oidc-provider instance with our configuration, secret hashing and JWT introspection. */
export function createProvider(input: ConfigurationInput & { logger: Logger }): Provider {
  const provider = new Provider(input.config.issuer, buildConfiguration(input));
  provider.proxy = input.config.trustProxy;

  // Stored secrets are hashes (clients/client-secret.ts): compare the hash of what was presented.
  provider.Client.prototype.compareClientSecret = function compareClientSecret(this: { clientSecret?: string }, actual: string) {
    return clientSecretMatches(this.clientSecret, actual);
  };

  provider.use(jwtIntrospection(provider, publicJwks(input.keys.signing)) as never);
  provider.use(unauthorizedClient as never);

  // oidc-provider reports 5xx it caught here; the client sees only `server_error`.
  provider.on('server_error', (ctx, err) => {
    input.logger.error({ err, route: ctx.oidc?.route, requestId: ctx.state?.requestId }, 'oidc-provider server error');
  });
  return provider;
}
