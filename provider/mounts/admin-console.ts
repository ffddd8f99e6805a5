import type Koa from 'koa';

import { consoleRoutes } from '../admin/console/index.ts';
import { underPrefix } from '../http/under-prefix.ts';
import { VERSION } from '../http/version.ts';
import type { AppInput } from './app-input.ts';

/** /admin: the console's pages */
export function mountAdminConsole(app: Koa, { holder, connection, views, audit, config, access }: AppInput): void {
  const adminConsole = consoleRoutes({
    live: holder,
    connection,
    views,
    audit,
    issuer: config.issuer,
    version: VERSION,
    access,
    keys: { encryptionKey: config.keys.encryptionKey, retiredRetentionSeconds: config.keys.retiredRetentionSeconds },
    reauthSeconds: config.accountReauthSeconds,
  });
  app.use(underPrefix('/admin', adminConsole));
}
