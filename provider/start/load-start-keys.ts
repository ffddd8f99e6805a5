import type { Connection } from 'mongoose';

import type { Config } from '../config.ts';
import { ensureKeys, loadKeys, type ProviderKeys } from '../keys/key-store.ts';
import { checkMfaKey } from '../mfa/mfa-key-check.ts';

/** The signing and cookie keys (made on first start), after checking both sealing keys open this database. */
export async function loadStartKeys(config: Config, connection: Connection): Promise<ProviderKeys> {
  await ensureKeys(connection, config.keys.encryptionKey);
  const keys = await loadKeys(connection, config.keys.encryptionKey, config.keys.retiredRetentionSeconds);
  await checkMfaKey(connection, config.mfa.encryptionKey);
  return keys;
}
