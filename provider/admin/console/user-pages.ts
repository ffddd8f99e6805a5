import type { Context } from 'koa';

import { AdminProblem } from '../admin-deps.ts';
import {
  listUsers,
  removeUserPasskeys,
  resetUserMfa,
  setUserDisabled,
  signOutUser,
  unlockUser,
  userDetail,
} from '../users.ts';
import type { ConsoleDeps } from './console-deps.ts';
import { consoleAdminDeps } from './console-session.ts';
import { doneRedirect, renderConsole } from './render-console.ts';

const PAGE = 50;

/** GET /admin/users — search by the start of the email. */
export function userList(deps: ConsoleDeps) {
  return async function userList(ctx: Context): Promise<void> {
    const q = typeof ctx.query.q === 'string' ? ctx.query.q.trim() : '';
    const after = typeof ctx.query.after === 'string' ? ctx.query.after : undefined;
    const users = await listUsers(deps, { q: q || undefined, after, limit: PAGE });
    renderConsole(deps, ctx, 'users.njk', 'users', {
      title: 'Users',
      q,
      users,
      next: users.length === PAGE ? users.at(-1)!.email : undefined,
    });
  };
}

/** GET /admin/users/:id — factors, passkeys, links, groups, roles, applications, and the actions. */
export function userPage(deps: ConsoleDeps) {
  return async function userPage(ctx: Context): Promise<void> {
    const user = await userDetail(consoleAdminDeps(deps, ctx), String(ctx.params.id));
    renderConsole(deps, ctx, 'user.njk', 'users', { title: user.email, user });
  };
}

const ACTIONS = {
  disable: {
    run: (d: Parameters<typeof unlockUser>[0], id: string) => setUserDisabled(d, id, true),
    done: 'User disabled and signed out everywhere.',
  },
  enable: {
    run: (d: Parameters<typeof unlockUser>[0], id: string) => setUserDisabled(d, id, false),
    done: 'User enabled.',
  },
  unlock: { run: unlockUser, done: 'Sign-in locks cleared.' },
  'sign-out': { run: signOutUser, done: 'Signed out everywhere.' },
  'reset-mfa': { run: resetUserMfa, done: 'Second factor removed.' },
  'remove-passkeys': { run: removeUserPasskeys, done: 'Passkeys removed.' },
} as const;

/** POST /admin/users/:id/:action — one of the actions above, as the signed-in administrator. */
export function userAction(deps: ConsoleDeps) {
  return async function userAction(ctx: Context): Promise<void> {
    const id = String(ctx.params.id);
    const action = ACTIONS[String(ctx.params.action) as keyof typeof ACTIONS];
    if (!action) {
      ctx.status = 404;
      return;
    }
    try {
      await action.run(consoleAdminDeps(deps, ctx), id);
    } catch (err) {
      if (!(err instanceof AdminProblem)) throw err;
      return doneRedirect(deps, ctx, `/admin/users/${encodeURIComponent(id)}`, err.message);
    }
    doneRedirect(deps, ctx, `/admin/users/${encodeURIComponent(id)}`, action.done);
  };
}
