import type { Configuration } from 'oidc-provider';

import type { Config } from '../../config.ts';
import type { ProviderKeys } from '../../keys/key-store.ts';

/** The session and interaction cookies: signed with our rotating keys. */
export function cookies(config: Pick<Config, 'issuer'>, keys: Pick<ProviderKeys, 'cookie'>): Configuration['cookies'] {
  const issuerIsHttps = config.issuer.startsWith('https:');
  return {
    keys: keys.cookie,
    // Secure whenever the public URL is https, even when TLS ends at a proxy we were not told
    // to trust (http/secure-cookies.ts lets Koa set them); lax so the redirect back from a
    // relying party still carries the session.
    long: { httpOnly: true, sameSite: 'lax', secure: issuerIsHttps },
    short: { httpOnly: true, sameSite: 'lax', secure: issuerIsHttps },
  };
}
