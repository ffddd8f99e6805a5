import type { Context } from 'koa';
import { z } from 'zod';

import { addUpstream, deleteUpstream, updateUpstream } from '../upstreams/operations.ts';
import { idpCreateSchema, idpDetailSchema, idpPatchSchema, idpSchema } from '../upstreams/schemas.ts';
import { getUpstream, listUpstreams } from '../upstreams/views.ts';
import type { AdminDeps } from '../admin-deps.ts';
import { requireScope } from './api-auth.ts';
import type { ApiRoute } from './api-route.ts';

const idParams = z.object({ id: z.string().min(1).max(40) });

/**
 * A group mapping makes whoever the upstream vouches for a member of local groups, and so a holder
 * of their roles: it is a change of who holds what, which needs admin:roles too. So is pointing
 * an upstream that maps groups at another server (its users would be the members then).
 */
async function requireRolesForMapping(
  ctx: Context,
  deps: AdminDeps,
  body: { group_map?: unknown[]; issuer?: string; api_url?: string },
  id?: string,
): Promise<void> {
  if (body.group_map?.length) return requireScope(ctx, deps.issuer, 'roles', true);
  if (id === undefined || (body.issuer === undefined && body.api_url === undefined)) return;
  const stored = await getUpstream(deps, id);
  const repointed =
    (body.issuer !== undefined && body.issuer !== stored.issuer) ||
    (body.api_url !== undefined && body.api_url !== stored.api_url);
  if (repointed && stored.group_map.length) requireScope(ctx, deps.issuer, 'roles', true);
}

export const idpRoutes: ApiRoute[] = [
  {
    method: 'get',
    path: '/idps',
    area: 'idps',
    write: false,
    summary: 'Upstream identity providers (never their secrets)',
    response: z.object({ items: z.array(idpSchema) }),
    handler: async ({ deps }) => ({ items: await listUpstreams(deps) }),
  },
  {
    method: 'post',
    path: '/idps',
    area: 'idps',
    write: true,
    summary: 'Add an upstream (enabled; its client secret is stored sealed and never shown back)',
    body: idpCreateSchema,
    response: idpDetailSchema,
    status: 201,
    handler: async ({ deps, body, ctx }) => {
      await requireRolesForMapping(ctx, deps, body as z.infer<typeof idpCreateSchema>);
      return addUpstream(deps, body as z.infer<typeof idpCreateSchema>);
    },
  },
  {
    method: 'get',
    path: '/idps/{id}',
    area: 'idps',
    write: false,
    summary: 'One upstream: its settings (never its secret) and the redirect URI to register there',
    params: idParams,
    response: idpDetailSchema,
    current: (deps, params) => getUpstream(deps, params.id!),
    handler: async ({ deps, params }) => getUpstream(deps, params.id!),
  },
  {
    method: 'patch',
    path: '/idps/{id}',
    area: 'idps',
    write: true,
    summary: 'Change an upstream, or enable or disable it (If-Match required)',
    params: idParams,
    body: idpPatchSchema,
    response: idpDetailSchema,
    current: (deps, params) => getUpstream(deps, params.id!),
    handler: async ({ deps, params, body, ctx }) => {
      await requireRolesForMapping(ctx, deps, body as z.infer<typeof idpPatchSchema>, params.id!);
      return updateUpstream(deps, params.id!, body as z.infer<typeof idpPatchSchema>);
    },
  },
  {
    method: 'delete',
    path: '/idps/{id}',
    area: 'idps',
    write: true,
    summary: 'Delete an upstream and every account link to it (If-Match required)',
    params: idParams,
    current: (deps, params) => getUpstream(deps, params.id!),
    handler: async ({ deps, params }) => {
      await deleteUpstream(deps, params.id!);
    },
  },
];
