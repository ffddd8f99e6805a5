import type { Context } from 'koa';

import { csrfToken, currentCsrfKey } from '../forms/csrf.ts';
import { renderScreen } from '../views/render-screen.ts';
import type { ConsoleDeps } from './console-deps.ts';
import { consoleCsrfSubject, type ConsoleUser } from './console-session.ts';

/** A console page: the nav, the user's role, the form token and the version around `data`. */
export function renderConsole(
  deps: ConsoleDeps,
  ctx: Context,
  template: string,
  section: string,
  data: Record<string, unknown>,
  status = 200,
): void {
  const user = ctx.state.consoleUser as ConsoleUser;
  renderScreen(
    deps.views,
    ctx,
    `admin/${template}`,
    {
      section,
      canWrite: user.role === 'admin',
      role: user.role,
      csrf: csrfToken(currentCsrfKey(deps.live), consoleCsrfSubject(ctx)!),
      version: deps.version,
      notice: typeof ctx.query.done === 'string' ? ctx.query.done.slice(0, 200) : undefined,
      ...data,
    },
    status,
  );
}

/** After a change: back to a page (303), with a short notice of what was done. */
export function doneRedirect(ctx: Context, path: string, notice: string): void {
  ctx.status = 303;
  ctx.redirect(`${path}${path.includes('?') ? '&' : '?'}done=${encodeURIComponent(notice)}`);
}
