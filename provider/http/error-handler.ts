import type { Context, Next } from 'koa';
import { errors } from 'oidc-provider';
import type nunjucks from 'nunjucks';

import { isDatabaseUnavailable } from '../../adapters/database-errors.ts';
import type { DatabaseOutage } from '../observability/database-outage.ts';
import type { Logger } from '../observability/logger.ts';
import { routeOf } from './request-metrics.ts';
import { renderScreen } from '../views/render-screen.ts';

interface ErrorLike {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  error?: string;
  error_description?: string;
  message?: string;
}

const SESSION_NOT_FOUND =
  'Your sign-in has expired or was started in another browser. Go back to the application and sign in again.';
const SERVER_ERROR = 'Something went wrong on our side. Please try again.';
const UNAVAILABLE = 'The service cannot reach its database right now. Please try again in a moment.';

/** status, RFC-style code and a message that is safe to show for any thrown value. */
export function describeError(thrown: unknown): { status: number; error: string; message: string } {
  if (isDatabaseUnavailable(thrown)) return { status: 503, error: 'temporarily_unavailable', message: UNAVAILABLE };
  const err = (typeof thrown === 'object' && thrown !== null ? thrown : {}) as ErrorLike;
  const status = Number(err.status ?? err.statusCode) || 500;
  if (status >= 500 || err.expose === false)
    return { status: Math.max(status, 500), error: 'server_error', message: SERVER_ERROR };
  if (thrown instanceof errors.SessionNotFound)
    return { status, error: 'session_not_found', message: SESSION_NOT_FOUND };
  const error = err.error ?? (status === 404 ? 'not_found' : 'invalid_request');
  return { status, error, message: err.error_description ?? err.message ?? 'The request is invalid.' };
}

/**
 * Renders every error of our own routes: a page for browsers, `{ error, error_description }`
 * for everyone else. 5xx are logged with their stack and never shown.
 */
export function errorHandler(views: nunjucks.Environment, logger: Logger, outage: DatabaseOutage) {
  return async function errorHandler(ctx: Context, next: Next) {
    try {
      await next();
    } catch (thrown) {
      const { status, error, message } = describeError(thrown);
      if (status === 503) {
        outage.unavailable(routeOf(ctx));
        ctx.set('Retry-After', '5');
      } else if (status >= 500) logger.error({ err: thrown, requestId: ctx.state.requestId }, 'unhandled error');
      if (ctx.accepts('json', 'html') === 'html') {
        renderScreen(views, ctx, 'error.njk', { title: 'Something went wrong', message, error }, status);
      } else {
        ctx.status = status;
        ctx.set('Cache-Control', 'no-store');
        ctx.body = { error, error_description: message };
      }
    }
  };
}
