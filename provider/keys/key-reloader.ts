import type { DatabaseOutage } from '../observability/database-outage.ts';
import type { Connection } from 'mongoose';

import type { KeysConfig } from '../config.ts';
import type { Logger } from '../observability/logger.ts';
import { keysetVersion, loadKeys, type ProviderKeys } from './key-store.ts';
import { rotateKeys } from './rotate-keys.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

interface KeyReloaderOptions {
  connection: Connection;
  config: KeysConfig;
  logger: Logger;
  current: () => ProviderKeys;
  onChange: (keys: ProviderKeys) => void;
  /** where a failed check goes: counted during a database outage, logged otherwise */
  outage?: Pick<DatabaseOutage, 'jobFailed'>;
}

/**
 * Every KEY_RELOAD_SECONDS, one small read of the keyset version; when another instance (or the
 * admin command) rotated, the new keys are loaded and handed over. So a rotation reaches every
 * instance within that bound, and JWKS and discovery never touch the database per request.
 * With KEY_ROTATION_DAYS set, the same tick rotates when the current key is old enough (one
 * instance wins the lease; the others pick the result up).
 */
export function startKeyReloader({ connection, config, logger, current, onChange, outage }: KeyReloaderOptions): {
  stop(): void;
  check(): Promise<void>;
} {
  let running = false;

  async function check(): Promise<void> {
    if (running) return;
    running = true;
    try {
      const keys = current();
      const oldest = Math.min(...Object.values(keys.currentSince).map((date) => date.getTime()));
      if (config.rotationDays > 0 && Date.now() - oldest > config.rotationDays * DAY_MS) {
        const result = await rotateKeys(connection, config.encryptionKey, config.retiredRetentionSeconds);
        if (result.rotated) logger.info({ version: result.version }, 'keys rotated on schedule');
      }
      if ((await keysetVersion(connection)) !== keys.version) {
        const fresh = await loadKeys(connection, config.encryptionKey, config.retiredRetentionSeconds);
        onChange(fresh);
        logger.info({ version: fresh.version }, 'keys reloaded');
      }
    } catch (err) {
      // A database outage must not end the process: keep the keys we have and try next tick.
      if (outage) outage.jobFailed('keys', err, 'key reload check failed');
      else logger.warn({ err }, 'key reload check failed');
    } finally {
      running = false;
    }
  }

  const timer = setInterval(() => void check(), config.reloadSeconds * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer), check };
}
