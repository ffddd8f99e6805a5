import type { Context, Next } from 'koa';
import { ZodError } from 'zod';

import { isDatabaseUnavailable } from '../../../adapters/database-errors.ts';
import { AdminProblem } from '../admin-deps.ts';
import type { DatabaseOutage } from '../../observability/database-outage.ts';
import type { Logger } from '../../observability/logger.ts';

/** A problem document (RFC 9457). `type` is a relative URI naming the kind of problem. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** validation problems: where and what */
  errors?: { path: string; message: string }[];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export class ApiProblem extends Error {
  readonly problem: Problem;
  readonly headers: Record<string, string>;
  constructor(status: number, type: string, detail?: string, headers: Record<string, string> = {}) {
    super(detail ?? type);
    this.problem = {
      type: `/admin/api/v1/problems/${type}`,
      title: TITLES[status] ?? 'Error',
      status,
      ...(detail ? { detail } : {}),
    };
    this.headers = headers;
  }
}

function sendProblem(ctx: Context, problem: Problem, headers: Record<string, string> = {}): void {
  ctx.status = problem.status;
  for (const [name, value] of Object.entries(headers)) ctx.set(name, value);
  ctx.set('Cache-Control', 'no-store');
  ctx.type = 'application/problem+json';
  ctx.body = problem;
}

/** Every failure of the admin API as a problem document; never a stack trace or a 500 with details. */
export function problemDetails(logger: Logger, outage: DatabaseOutage) {
  return async function problemDetails(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined)
        sendProblem(ctx, new ApiProblem(404, 'not-found', 'no such route').problem);
    } catch (err) {
      if (err instanceof ApiProblem) return sendProblem(ctx, err.problem, err.headers);
      if (err instanceof AdminProblem)
        return sendProblem(ctx, new ApiProblem(err.status, err.type, err.message).problem);
      if (err instanceof ZodError) {
        const problem = new ApiProblem(400, 'validation', 'the request does not match the schema').problem;
        problem.errors = err.issues.map((issue) => ({
          path: issue.path.join('.') || '(body)',
          message: issue.message,
        }));
        return sendProblem(ctx, problem);
      }
      const status = (err as { status?: number }).status;
      if (status === 400 || status === 413 || status === 415) {
        // Body parser refusals: malformed JSON, too large, not JSON.
        return sendProblem(ctx, new ApiProblem(status, 'bad-body', (err as Error).message).problem);
      }
      if (isDatabaseUnavailable(err)) {
        outage.unavailable('admin-api');
        return sendProblem(ctx, new ApiProblem(503, 'unavailable', 'the database cannot be reached').problem, {
          'Retry-After': '5',
        });
      }
      logger.error({ err, requestId: ctx.state.requestId }, 'admin API error');
      sendProblem(ctx, new ApiProblem(500, 'server-error', 'something went wrong on our side').problem);
    }
  };
}
