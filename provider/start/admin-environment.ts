import type { Config } from '../config.ts';

/**
 * What `npm run admin` or a second instance needs to work on this very process's embedded
 * database: its address and the two keys its secrets are sealed with (throwaway or development
 * keys: demo secrets like the others).
 */
export function adminEnvironment(config: Config, embeddedUri: string | undefined): Record<string, string> | undefined {
  if (embeddedUri === undefined) return undefined;
  return {
    MONGODB_URI: embeddedUri,
    KEY_ENCRYPTION_KEY: config.keys.encryptionKey.toString('base64'),
    MFA_ENCRYPTION_KEY: config.mfa.encryptionKey.toString('base64'),
  };
}
