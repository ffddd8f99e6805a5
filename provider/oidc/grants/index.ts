import type { Provider } from 'oidc-provider';

import type { Config } from '../../config.ts';
import { registerTokenExchange, type TokenExchangeDeps } from './token-exchange/token-exchange-grant.ts';

/** What the custom grants need besides the provider they are registered on. */
interface GrantDeps extends Pick<TokenExchangeDeps, 'resolveToken' | 'directory' | 'access' | 'audit'> {
  config: Pick<Config, 'tokenExchangeMaxTtl' | 'ttl'>;
}

/**
 * Registers every custom grant type at /token: the one list of the grants we add, as
 * oidc-provider's actions/grants/index.js is of its own (those come from its configuration).
 */
export function registerGrants(provider: Provider, deps: GrantDeps): void {
  registerTokenExchange({
    provider,
    resolveToken: deps.resolveToken,
    directory: deps.directory,
    access: deps.access,
    audit: deps.audit,
    maxTtl: deps.config.tokenExchangeMaxTtl,
    accessTokenTtl: deps.config.ttl.accessToken,
  });
}
