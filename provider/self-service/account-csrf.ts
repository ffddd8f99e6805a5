import type { Context } from 'koa';

/** The CSRF subject of account forms: bound to the session, so another browser's token fails. */
export function accountCsrfSubject(ctx: Context): string | undefined {
  return ctx.state.accountSession ? `account:${ctx.state.accountSession.id}` : undefined;
}
