import type { Context, Next } from 'koa';

import { InvalidCsrfToken } from '../errors.ts';
import { csrfMatches } from './csrf.ts';

/** What a form's CSRF token is bound to: the interaction uid, or the account session. */
type CsrfSubject = (ctx: Context) => string | undefined;

const interactionUid: CsrfSubject = (ctx) => (ctx as Context & { params: { uid?: string } }).params.uid;

export function verifyCsrf(secrets: () => string[], subject: CsrfSubject = interactionUid) {
  return async function verifyCsrf(ctx: Context, next: Next) {
    const body = ctx.request.body as Record<string, unknown> | undefined;
    const bound = subject(ctx);
    if (!bound || !secrets().some((secret) => csrfMatches(secret, bound, body?.csrf))) throw new InvalidCsrfToken();
    return next();
  };
}
