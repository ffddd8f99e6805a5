import { z } from 'zod';

import { notFound } from '../admin/admin-deps.ts';
import { recordAdmin } from '../admin/admin-deps.ts';
import { saveResourceServer, setResourceAccess } from '../resources/resource-server-directory.ts';
import { resourceServerModel, type ResourceServerRecord } from '../resources/resource-server-model.ts';
import { type ApiRoute, decodeCursor, page } from './api-route.ts';
import { cursorQuery, limitQuery, pageOf, resourcePutSchema, resourceSchema } from './api-schemas.ts';

const view = (r: ResourceServerRecord): z.infer<typeof resourceSchema> => ({
  indicator: r._id,
  name: r.name,
  scopes: r.scopes,
  ...(r.accessTokenTtl ? { access_token_ttl: r.accessTokenTtl } : {}),
  scope_access: r.scopeAccess ?? 'open',
  roles: r.roles ?? [],
});

// A resource indicator is a URI: it travels percent-encoded as one path segment.
const idParams = z.object({ indicator: z.string().url().max(2000) });

async function current(connection: Parameters<typeof resourceServerModel>[0], indicator: string) {
  const found = await resourceServerModel(connection).findById(indicator).lean<ResourceServerRecord>();
  if (!found) throw notFound(`API ${indicator}`);
  return view(found);
}

export const resourceRoutes: ApiRoute[] = [
  {
    method: 'get',
    path: '/resources',
    area: 'resources',
    write: false,
    summary: 'List APIs (resource servers) with their scopes and roles',
    query: z.object({ limit: limitQuery, cursor: cursorQuery }),
    response: pageOf(resourceSchema),
    handler: async ({ deps, query }) => {
      const limit = query.limit as number;
      const after = decodeCursor<string>(query.cursor, 'string');
      const all = await resourceServerModel(deps.connection)
        .find(after ? { _id: { $gt: after } } : {})
        .sort({ _id: 1 })
        .limit(limit)
        .lean<ResourceServerRecord[]>();
      return page(all.map(view), limit, (r) => r.indicator);
    },
  },
  {
    method: 'get',
    path: '/resources/{indicator}',
    area: 'resources',
    write: false,
    summary: 'One API, with its ETag',
    params: idParams,
    response: resourceSchema,
    current: (deps, params) => current(deps.connection, params.indicator!),
    handler: ({ deps, params }) => current(deps.connection, params.indicator!),
  },
  {
    method: 'put',
    path: '/resources/{indicator}',
    area: 'resources',
    write: true,
    summary: 'Add an API or replace its name, scopes and lifetime (If-Match required to replace)',
    params: idParams,
    body: resourcePutSchema,
    response: resourceSchema,
    current: async (deps, params) => current(deps.connection, params.indicator!).catch(() => undefined),
    handler: async ({ deps, params, body }) => {
      const input = body as z.infer<typeof resourcePutSchema>;
      await saveResourceServer(deps.connection, {
        _id: params.indicator!,
        name: input.name,
        scopes: input.scopes,
        accessTokenTtl: input.access_token_ttl,
      });
      if (input.scope_access)
        await setResourceAccess(deps.connection, params.indicator!, { scopeAccess: input.scope_access });
      await recordAdmin(deps, 'admin.resource.saved', { details: { indicator: params.indicator } });
      return current(deps.connection, params.indicator!);
    },
  },
  {
    method: 'delete',
    path: '/resources/{indicator}',
    area: 'resources',
    write: true,
    summary: 'Delete an API (tokens already issued for it stay valid until they expire) (If-Match required)',
    params: idParams,
    current: (deps, params) => current(deps.connection, params.indicator!),
    handler: async ({ deps, params }) => {
      await resourceServerModel(deps.connection).deleteOne({ _id: params.indicator });
      await recordAdmin(deps, 'admin.resource.deleted', { details: { indicator: params.indicator } });
    },
  },
];
