import { z } from 'zod';

import { resourceIndicatorSchema, resourcePutSchema, resourceSchema } from '../resource-schemas.ts';
import { deleteResource, getResource, listResources, saveResource } from '../resources.ts';
import { type ApiRoute, decodeCursor, page } from './api-route.ts';
import { cursorQuery, limitQuery, pageOf } from './api-schemas.ts';

// A resource indicator is a URI: it travels percent-encoded as one path segment.
const idParams = z.object({ indicator: resourceIndicatorSchema });

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
      const items = await listResources(deps, { limit, after: decodeCursor<string>(query.cursor, 'string') });
      return page(items, limit, (r) => r.indicator);
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
    current: (deps, params) => getResource(deps, params.indicator!),
    handler: ({ deps, params }) => getResource(deps, params.indicator!),
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
    current: (deps, params) => getResource(deps, params.indicator!).catch(() => undefined),
    handler: ({ deps, params, body }) =>
      saveResource(deps, { ...(body as z.infer<typeof resourcePutSchema>), indicator: params.indicator! }),
  },
  {
    method: 'delete',
    path: '/resources/{indicator}',
    area: 'resources',
    write: true,
    summary: 'Delete an API (tokens already issued for it stay valid until they expire) (If-Match required)',
    params: idParams,
    current: (deps, params) => getResource(deps, params.indicator!),
    handler: async ({ deps, params }) => {
      await deleteResource(deps, params.indicator!);
    },
  },
];
