import type { Context } from 'koa';

import { formField } from '../../forms/form-field.ts';
import { type AdminDeps, AdminProblem } from '../admin-deps.ts';
import { listUsers, resetUserMfa, setUserDisabled, unlockUser, userDetail } from '../users.ts';
import { unlinkUser, userLinks } from '../users/linked-sign-ins.ts';
import { removeUserPasskeys } from '../users/passkeys.ts';
import { endUserSession, signOutUser, userSessions } from '../users/sessions.ts';
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

/** GET /admin/users/:id — factors, passkeys, links, groups, roles, applications, sessions, and the actions. */
export function userPage(deps: ConsoleDeps) {
  return async function userPage(ctx: Context): Promise<void> {
    const admin = consoleAdminDeps(deps, ctx);
    const id = String(ctx.params.id);
    const user = await userDetail(admin, id);
    const [sessions, links] = await Promise.all([userSessions(admin, id), userLinks(admin, id)]);
    renderConsole(deps, ctx, 'user.njk', 'users', { title: user.email, user, sessions, links });
  };
}

type Action = { run: (d: AdminDeps, id: string, ctx: Context) => Promise<unknown>; done: string };

const ACTIONS: Record<string, Action> = {
  disable: { run: (d, id) => setUserDisabled(d, id, true), done: 'User disabled and signed out everywhere.' },
  enable: { run: (d, id) => setUserDisabled(d, id, false), done: 'User enabled.' },
  unlock: { run: unlockUser, done: 'Sign-in locks cleared.' },
  'sign-out': { run: signOutUser, done: 'Signed out everywhere.' },
  'reset-mfa': { run: resetUserMfa, done: 'Second factor removed.' },
  'remove-passkeys': { run: (d, id) => removeUserPasskeys(d, id, { passkey: 'all' }), done: 'Passkeys removed.' },
  'end-session': { run: (d, id, ctx) => endUserSession(d, id, formField(ctx, 'session')), done: 'Session ended.' },
  unlink: { run: (d, id, ctx) => unlinkUser(d, id, formField(ctx, 'link')), done: 'Sign-in unlinked.' },
};

/** POST /admin/users/:id/:action — one of the actions above, as the signed-in administrator. */
export function userAction(deps: ConsoleDeps) {
  return async function userAction(ctx: Context): Promise<void> {
    const id = String(ctx.params.id);
    const action = Object.hasOwn(ACTIONS, String(ctx.params.action)) ? ACTIONS[String(ctx.params.action)] : undefined;
    if (!action) {
      ctx.status = 404;
      return;
    }
    try {
      await action.run(consoleAdminDeps(deps, ctx), id, ctx);
    } catch (err) {
      if (!(err instanceof AdminProblem)) throw err;
      return doneRedirect(deps, ctx, `/admin/users/${encodeURIComponent(id)}`, err.message);
    }
    doneRedirect(deps, ctx, `/admin/users/${encodeURIComponent(id)}`, action.done);
  };
}
