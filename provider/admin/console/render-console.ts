import type { Context } from 'koa';

import { csrfMatches, csrfToken, currentCsrfKey, validCsrfKeys } from '../../forms/csrf.ts';
import { renderScreen } from '../../views/render-screen.ts';
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
      notice: signedNotice(deps, ctx),
      ...data,
    },
    status,
  );
}

const noticeSubject = (text: string) => `console-notice:${text}`;

/** The notice a redirect carried, only when this provider wrote it (a crafted link cannot put words on the console). */
function signedNotice(deps: ConsoleDeps, ctx: Context): string | undefined {
  const text = ctx.query.done;
  if (typeof text !== 'string' || text.length > 300) return undefined;
  return validCsrfKeys(deps.live).some((key) => csrfMatches(key, noticeSubject(text), ctx.query.sig))
    ? text
    : undefined;
}

/** After a change: back to a page (303), with a short notice of what was done, signed. */
export function doneRedirect(deps: ConsoleDeps, ctx: Context, path: string, notice: string): void {
  const sig = csrfToken(currentCsrfKey(deps.live), noticeSubject(notice));
  ctx.status = 303;
  ctx.redirect(`${path}${path.includes('?') ? '&' : '?'}done=${encodeURIComponent(notice)}&sig=${sig}`);
}
