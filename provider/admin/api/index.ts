import Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { Connection } from 'mongoose';
import type { Provider } from 'oidc-provider';

import { ADMIN_API_PATH } from '../admin-api-resource.ts';
import { type AdminDeps, recordAdmin } from '../admin-deps.ts';
import { resourceLockKey, withChangeLock } from '../change-lock.ts';
import type { NotifyDeps } from '../../mail/notify-account.ts';
import type { DatabaseOutage } from '../../observability/database-outage.ts';
import type { Logger } from '../../observability/logger.ts';
import type { AuditLog } from '../../security/audit-log.ts';
import type { ResolveToken } from '../../tokens/live-tokens.ts';
import { type ApiCaller, authenticateCaller, requireScope } from './api-auth.ts';
import { type ApiRoute, etagOf } from './api-route.ts';
import { accessRoutes } from './access-routes.ts';
import { auditRoutes } from './audit-routes.ts';
import { clientRoutes } from './client-routes.ts';
import { idpRoutes } from './idp-routes.ts';
import { keyRoutes } from './key-routes.ts';
import { openApiDocument } from './openapi.ts';
import { parseJson } from './parse-json.ts';
import { ApiProblem, problemDetails } from './problem.ts';
import { resourceRoutes } from './resource-routes.ts';
import { userRoutes } from './user-routes.ts';

interface AdminApiDeps {
  issuer: string;
  version: string;
  connection: Connection;
  audit: AuditLog;
  logger: Logger;
  outage: DatabaseOutage;
  /** the live provider: its metadata validation for clients */
  provider: () => Provider;
  resolveToken: ResolveToken;
  /** ADMIN_API_CALLS_PER_MINUTE: per caller, across instances */
  callsPerMinute: number;
  keys: AdminDeps['keys'];
  /** mail for invitations; undefined when email is off */
  invite: (NotifyDeps & { passwordMinLength: number; resetSeconds: number }) | undefined;
}

/** Every route of the admin API, in the order the OpenAPI document lists them. */
export function adminApiRoutes(invite: AdminApiDeps['invite']): ApiRoute[] {
  return [
    ...clientRoutes,
    ...resourceRoutes,
    ...userRoutes(invite),
    ...accessRoutes,
    ...keyRoutes,
    ...auditRoutes,
    ...idpRoutes,
  ];
}

/** Path parameters arrive percent-encoded (an API's indicator is a URI in one segment). */
function decodedParams(ctx: Context): Record<string, string> {
  try {
    return Object.fromEntries(Object.entries(ctx.params ?? {}).map(([k, v]) => [k, decodeURIComponent(String(v))]));
  } catch {
    throw new ApiProblem(400, 'validation', 'a path segment is not valid percent-encoding');
  }
}

function handle(route: ApiRoute, deps: AdminApiDeps) {
  return async function handleAdminRoute(ctx: Context): Promise<void> {
    requireScope(ctx, deps.issuer, route.area, route.write);
    const caller = ctx.state.caller as ApiCaller;
    const admin: AdminDeps = {
      connection: deps.connection,
      audit: deps.audit,
      provider: deps.provider,
      keys: deps.keys,
      issuer: deps.issuer,
      actor: caller.actor,
    };
    const params = route.params ? (route.params.parse(decodedParams(ctx)) as Record<string, string>) : {};
    const query = route.query ? (route.query.parse(ctx.query) as Record<string, unknown>) : {};
    let body: unknown;
    if (route.body) {
      if (!ctx.is('application/json')) throw new ApiProblem(415, 'unsupported-media-type', 'send application/json');
      body = route.body.parse(ctx.request.body);
    }
    const run = () => route.handler({ deps: admin, params, query, body, ctx });
    // Optimistic concurrency: a change names the version it was based on, and the check and the
    // write run alone (withChangeLock), so two changes based on one version cannot both pass.
    const changesVersioned = route.current !== undefined && route.method !== 'get';
    const result = changesVersioned
      ? await withChangeLock(deps.connection, resourceLockKey(route.path, params), async () => {
          const current = await route.current!(admin, params);
          if (current !== undefined) {
            const ifMatch = ctx.get('if-match');
            if (!ifMatch) throw new ApiProblem(428, 'precondition-required', 'send If-Match with the ETag you read');
            if (ifMatch !== etagOf(current))
              throw new ApiProblem(412, 'precondition-failed', 'changed since you read it: read it again and retry');
          }
          return run();
        })
      : await run();
    // Changes are audited by the services; reads are audited here, so every call is on record.
    if (!route.write)
      await recordAdmin(admin, 'admin.api.read', { details: { route: `${route.method.toUpperCase()} ${route.path}` } });
    ctx.set('Cache-Control', 'no-store');
    if (route.response === undefined) {
      ctx.status = 204;
      return;
    }
    // The answer is the current representation (no second read), unless the route says it is more.
    if (route.current && (route.method === 'get' || route.method === 'patch' || route.method === 'put')) {
      const now = route.answerBeyondCurrent ? await route.current(admin, params) : result;
      if (now !== undefined) ctx.set('ETag', etagOf(now));
    }
    ctx.status = route.status ?? 200;
    ctx.body = result;
  };
}

/**
 * /admin/api/v1: JSON, OAuth-protected, problem details for every failure. The OpenAPI document
 * is public (it says nothing an attacker cannot learn from this source).
 */
export function adminApi(deps: AdminApiDeps) {
  const routes = adminApiRoutes(deps.invite);
  const document = openApiDocument(deps.issuer, routes, deps.version);
  const router = new Router({ prefix: ADMIN_API_PATH });
  router.get('/openapi.json', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = document;
  });
  const authenticated = new Router();
  authenticated.use(authenticateCaller(deps.issuer, deps.resolveToken, deps.connection, deps.callsPerMinute));
  for (const route of routes) {
    const path = route.path.replace(/\{(\w+)\}/g, ':$1');
    authenticated[route.method](path, ...(route.body ? [parseJson] : []), handle(route, deps));
  }
  router.use(authenticated.routes());
  const allowed = router.allowedMethods({
    throw: true,
    methodNotAllowed: () => new ApiProblem(405, 'method-not-allowed', 'this route does not take that method'),
    notImplemented: () => new ApiProblem(405, 'method-not-allowed', 'this method is not supported'),
  });
  const errors = problemDetails(deps.logger, deps.outage);
  // The router's middleware, typed for the router's context; Koa hands it the same object.
  const dispatch = router.routes() as unknown as (ctx: Context, next: Next) => Promise<void>;
  const methods = allowed as unknown as (ctx: Context, next: Next) => Promise<void>;
  return async function adminApi(ctx: Context, next: Next): Promise<void> {
    if (ctx.path !== ADMIN_API_PATH && !ctx.path.startsWith(`${ADMIN_API_PATH}/`)) return next();
    await errors(ctx, async () => {
      await dispatch(ctx, async () => undefined);
      await methods(ctx, async () => undefined);
    });
  };
}
