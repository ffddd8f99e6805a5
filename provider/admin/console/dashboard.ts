import type { Context } from 'koa';

import { listKeys } from '../keys.ts';
import { overview } from '../overview.ts';
import type { ConsoleDeps } from './console-deps.ts';
import { renderConsole } from './render-console.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** GET /admin — counts, the last day's sign-ins and failures (from the audit log), key ages, version. */
export function dashboard(deps: ConsoleDeps) {
  return async function dashboard(ctx: Context): Promise<void> {
    const [counts, keys] = await Promise.all([overview(deps), listKeys(deps)]);
    const now = Date.now();
    renderConsole(deps, ctx, 'dashboard.njk', 'dashboard', {
      title: 'Admin console',
      ...counts,
      keys: keys
        .filter((k) => k.state === 'current')
        .map((k) => ({ ...k, ageDays: Math.floor((now - Date.parse(k.created_at)) / DAY_MS) })),
    });
  };
}
