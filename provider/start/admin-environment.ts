import type { Config } from '../config.ts';

/** The issuer the CLI assumes when neither ISSUER nor PORT is set. */
const DEFAULT_ISSUER = 'http://localhost:3000';

/**
 * What `npm run admin` or a second instance needs to work on this very process's embedded
 * database: its address and the two keys its secrets are sealed with (throwaway or development
 * keys: demo secrets like the others), and the issuer when it is not the default (the CLI prints
 * upstream redirect URIs from it and `apply --prune` keeps the admin API by it).
 */
export function adminEnvironment(config: Config, embeddedUri: string | undefined): Record<string, string> | undefined {
  if (embeddedUri === undefined) return undefined;
  return {
    MONGODB_URI: embeddedUri,
    KEY_ENCRYPTION_KEY: config.keys.encryptionKey.toString('base64'),
    MFA_ENCRYPTION_KEY: config.mfa.encryptionKey.toString('base64'),
    ...(config.issuer === DEFAULT_ISSUER ? {} : { ISSUER: config.issuer }),
  };
}
