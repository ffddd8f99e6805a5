import type { Configuration } from 'oidc-provider';

import { mongoAdapterFactory } from '../../adapters/mongodb.ts';
import { TtlCache } from '../cache/ttl-cache.ts';
import { makeFindAccount } from '../accounts/find-account.ts';
import { sealingClientSecrets } from '../clients/sealed-client-secrets.ts';
import { CLAIMS, SCOPES } from './claims.ts';
import { clients } from './configuration/clients.ts';
import type { ConfigurationInput } from './configuration/configuration-input.ts';
import { cookies } from './configuration/cookies.ts';
import { features } from './configuration/features.ts';
import { interactions } from './configuration/interactions.ts';
import { outgoingFetch } from './configuration/outgoing-fetch.ts';
import { signingAlgorithms } from './configuration/signing-algorithms.ts';
import { tokens } from './configuration/tokens.ts';
import { ttl } from './configuration/ttl.ts';
import { screens } from './screens.ts';

/**
 * The whole oidc-provider configuration, composed of one builder per concern in configuration/.
 * Each key says what it controls and, where we depart from the library default, why.
 */
export function buildConfiguration(input: ConfigurationInput): Configuration {
  const { config, connection, keys, renderPage, directory, access } = input;
  const pages = screens(renderPage);

  return {
    fetch: outgoingFetch(config, input.outgoingFetch),
    adapter: sealingClientSecrets(
      mongoAdapterFactory(connection, { clientCache: new TtlCache(), clientCacheTtl: config.clientCacheTtl }),
      config.keys.encryptionKey,
    ),
    findAccount: makeFindAccount(connection, access),

    jwks: { keys: keys.signing },
    cookies: cookies(config, keys),
    claims: CLAIMS,
    scopes: SCOPES,
    ...clients(config),
    enabledJWA: signingAlgorithms,
    features: features(input, pages),
    ...tokens(directory, access),
    ttl: ttl(config.ttl),
    ...interactions(connection, config),
    renderError: pages.renderError,
  };
}
