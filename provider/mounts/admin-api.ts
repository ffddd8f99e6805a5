import type Koa from 'koa';

import { adminApi } from '../admin/api/index.ts';
import { VERSION } from '../http/version.ts';
import { liveTokens } from '../tokens/live-tokens.ts';
import type { AppInput } from './app-input.ts';
import type { SharedDeps } from './shared-deps.ts';

/** /admin/api/v1 */
export function mountAdminApi(
  app: Koa,
  { config, connection, audit, logger, outage, holder, mailer }: AppInput,
  { notify }: SharedDeps,
): void {
  app.use(
    adminApi({
      issuer: config.issuer,
      version: VERSION,
      connection,
      audit,
      logger,
      outage,
      provider: () => holder.provider,
      // The admin API sees a revocation at once: no cache.
      resolveToken: liveTokens({ live: holder, cacheSeconds: 0 }),
      callsPerMinute: config.adminApiCallsPerMinute,
      keys: { encryptionKey: config.keys.encryptionKey, retiredRetentionSeconds: config.keys.retiredRetentionSeconds },
      invite: mailer.enabled
        ? { ...notify, passwordMinLength: config.passwordMinLength, resetSeconds: config.mail.passwordResetSeconds }
        : undefined,
    }),
  );
}
