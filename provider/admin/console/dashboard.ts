import type { Context } from 'koa';

import { oidcModel } from '../../../adapters/mongodb.ts';
import { accountModel } from '../../accounts/account-model.ts';
import { listKeys } from '../keys.ts';
import { resourceServerModel } from '../../resources/resource-server-model.ts';
import { auditModel } from '../../security/audit-model.ts';
import type { ConsoleDeps } from './console-deps.ts';
import { renderConsole } from './render-console.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** GET /admin — counts, the last day's sign-ins and failures (from the audit log), key ages, version. */
export function dashboard(deps: ConsoleDeps) {
  return async function dashboard(ctx: Context): Promise<void> {
    const since = new Date(Date.now() - DAY_MS);
    const audit = auditModel(deps.connection);
    const count = (event: string) => audit.countDocuments({ event, at: { $gte: since } });
    const [users, clients, apis, signIns, failures, locked, keys] = await Promise.all([
      accountModel(deps.connection).countDocuments({}),
      oidcModel(deps.connection, 'Client').countDocuments({}),
      resourceServerModel(deps.connection).countDocuments({}),
      count('login.success'),
      count('login.failure'),
      count('login.locked'),
      listKeys(deps),
    ]);
    const now = Date.now();
    renderConsole(deps, ctx, 'dashboard.njk', 'dashboard', {
      title: 'Admin console',
      users,
      clients,
      apis,
      signIns,
      failures,
      locked,
      keys: keys
        .filter((k) => k.state === 'current')
        .map((k) => ({ ...k, ageDays: Math.floor((now - Date.parse(k.created_at)) / DAY_MS) })),
    });
  };
}
