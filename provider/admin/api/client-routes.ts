import { z } from 'zod';

import { createClient, deleteClient, rotateClientSecret, updateClient } from '../clients/operations.ts';
import { clientCreateSchema, clientPatchSchema, clientSchema, secretSchema } from '../clients/schemas.ts';
import { getClient, listClients } from '../clients/views.ts';
import { type ApiRoute, decodeCursor, page } from './api-route.ts';
import { cursorQuery, limitQuery, pageOf } from './api-schemas.ts';

const idParams = z.object({ id: z.string().min(1).max(400) });

export const clientRoutes: ApiRoute[] = [
  {
    method: 'get',
    path: '/clients',
    area: 'clients',
    write: false,
    summary: 'List clients (all types, dynamic ones included), by client id',
    query: z.object({ limit: limitQuery, cursor: cursorQuery, dynamic: z.enum(['true', 'false']).optional() }),
    response: pageOf(clientSchema),
    handler: async ({ deps, query }) => {
      const limit = query.limit as number;
      const items = await listClients(deps, {
        limit,
        after: decodeCursor<string>(query.cursor, 'string'),
        dynamic: query.dynamic === 'true',
      });
      return page(items, limit, (c) => String(c.client_id));
    },
  },
  {
    method: 'post',
    path: '/clients',
    area: 'clients',
    write: true,
    summary: 'Register a client from a type with safe defaults; its secret is in this answer only',
    body: clientCreateSchema,
    response: secretSchema,
    status: 201,
    handler: async ({ deps, body }) => {
      const { clientId, clientSecret } = await createClient(deps, body as z.infer<typeof clientCreateSchema>);
      return { client_id: clientId, ...(clientSecret ? { client_secret: clientSecret } : {}) };
    },
  },
  {
    method: 'get',
    path: '/clients/{id}',
    area: 'clients',
    write: false,
    summary: 'One client (never its secret), with its ETag',
    params: idParams,
    response: clientSchema,
    current: (deps, params) => getClient(deps, params.id!),
    handler: ({ deps, params }) => getClient(deps, params.id!),
  },
  {
    method: 'patch',
    path: '/clients/{id}',
    area: 'clients',
    write: true,
    summary:
      'Change redirects, APIs, name, policy flags, PAR, DPoP, back-channel logout or who it may introspect (If-Match required)',
    params: idParams,
    body: clientPatchSchema,
    response: clientSchema,
    current: (deps, params) => getClient(deps, params.id!),
    // The If-Match check runs under this client's change lock (index.ts); the operation re-enters it.
    handler: ({ deps, params, body }) => updateClient(deps, params.id!, body as z.infer<typeof clientPatchSchema>),
  },
  {
    method: 'delete',
    path: '/clients/{id}',
    area: 'clients',
    write: true,
    summary: 'Delete a client: its grants are revoked and its tokens stop working (If-Match required)',
    params: idParams,
    current: (deps, params) => getClient(deps, params.id!),
    handler: async ({ deps, params }) => {
      await deleteClient(deps, params.id!);
    },
  },
  {
    method: 'post',
    path: '/clients/{id}/secret',
    area: 'clients',
    write: true,
    summary: 'Rotate the secret: the new one is in this answer only, the old one stops working',
    params: idParams,
    response: secretSchema,
    handler: async ({ deps, params }) => ({
      client_id: params.id!,
      client_secret: await rotateClientSecret(deps, params.id!),
    }),
  },
];
