import { z } from 'zod';

import { notFound, recordAdmin } from '../admin-deps.ts';
import {
  deleteIdp,
  type IdpSummary,
  idpOverview,
  listIdps,
  setIdpEnabled,
  showIdp,
} from '../../upstream/manage-idps.ts';
import type { ApiRoute } from './api-route.ts';
import { idpPatchSchema, idpSchema } from './api-schemas.ts';

const view = (idp: IdpSummary): z.infer<typeof idpSchema> => idpOverview(idp);

const idParams = z.object({ id: z.string().min(1).max(40) });

async function current(connection: Parameters<typeof showIdp>[0], id: string) {
  const found = await showIdp(connection, id);
  if (!found) throw notFound(`upstream ${id}`);
  return view(found);
}

export const idpRoutes: ApiRoute[] = [
  {
    method: 'get',
    path: '/idps',
    area: 'idps',
    write: false,
    summary: 'Upstream identity providers (never their secrets)',
    response: z.object({ items: z.array(idpSchema) }),
    handler: async ({ deps }) => ({ items: (await listIdps(deps.connection)).map(view) }),
  },
  {
    method: 'patch',
    path: '/idps/{id}',
    area: 'idps',
    write: true,
    summary: 'Enable or disable an upstream (If-Match required)',
    params: idParams,
    body: idpPatchSchema,
    response: idpSchema,
    current: (deps, params) => current(deps.connection, params.id!),
    handler: async ({ deps, params, body }) => {
      const { enabled } = body as z.infer<typeof idpPatchSchema>;
      await setIdpEnabled(deps.connection, params.id!, enabled);
      await recordAdmin(deps, enabled ? 'admin.idp.enabled' : 'admin.idp.disabled', { details: { idp: params.id } });
      return current(deps.connection, params.id!);
    },
  },
  {
    method: 'delete',
    path: '/idps/{id}',
    area: 'idps',
    write: true,
    summary: 'Delete an upstream and every account link to it (If-Match required)',
    params: idParams,
    current: (deps, params) => current(deps.connection, params.id!),
    handler: async ({ deps, params }) => {
      const links = await deleteIdp(deps.connection, params.id!);
      await recordAdmin(deps, 'admin.idp.deleted', { details: { idp: params.id, links } });
    },
  },
];
