import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Config } from '../config.ts';

interface StoredKeys {
  keyEncryptionKey: string;
  mfaEncryptionKey: string;
}

async function storedKeys(dir: string): Promise<StoredKeys> {
  const file = join(dir, 'keys.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as StoredKeys;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const keys = {
    keyEncryptionKey: randomBytes(32).toString('base64'),
    mfaEncryptionKey: randomBytes(32).toString('base64'),
  };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return keys;
}

/**
 * Development that keeps its data needs keys that outlive the process: signing keys and TOTP
 * secrets stay sealed in the kept database, under keys kept beside it (DEV_DATA_DIR/keys.json,
 * readable by this user only). Only the keys the environment did not give are replaced.
 */
export async function withDevelopmentKeys(config: Config): Promise<Config> {
  if (config.devDataDir === undefined || (!config.keys.ephemeralKey && !config.mfa.ephemeralKey)) return config;
  const keys = await storedKeys(config.devDataDir);
  return {
    ...config,
    keys: config.keys.ephemeralKey
      ? { ...config.keys, encryptionKey: Buffer.from(keys.keyEncryptionKey, 'base64'), ephemeralKey: false }
      : config.keys,
    mfa: config.mfa.ephemeralKey
      ? { ...config.mfa, encryptionKey: Buffer.from(keys.mfaEncryptionKey, 'base64'), ephemeralKey: false }
      : config.mfa,
  };
}
