import type { Context } from 'koa';

import { listKeys, rotateSigningKeys } from '../keys.ts';
import type { ConsoleDeps } from './console-deps.ts';
import { consoleAdminDeps } from './console-session.ts';
import { doneRedirect, renderConsole } from './render-console.ts';

/** GET /admin/keys — signing and cookie keys with their states and dates. */
export function keysPage(deps: ConsoleDeps) {
  return async function keysPage(ctx: Context): Promise<void> {
    renderConsole(deps, ctx, 'keys.njk', 'keys', { title: 'Keys', keys: await listKeys(deps) });
  };
}

/** POST /admin/keys/rotate — every instance follows within KEY_RELOAD_SECONDS. */
export function rotateKeysAction(deps: ConsoleDeps) {
  return async function rotateKeysAction(ctx: Context): Promise<void> {
    const version = await rotateSigningKeys(consoleAdminDeps(deps, ctx));
    doneRedirect(deps, ctx, '/admin/keys', `Keys rotated (version ${version}).`);
  };
}
