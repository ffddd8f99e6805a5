import { z } from 'zod';

import type { AdminDeps } from '../admin-deps.ts';
import { createGroup, groupView, groupsView, removeGroup, setGroupMember } from '../access/groups.ts';
import { putRole, removeRole, roleView, rolesView, setRoleHolder } from '../access/roles.ts';
import {
  groupDetail,
  groupRef,
  groupSummary,
  type Holding,
  holding,
  membership,
  newGroup,
  roleBody,
  roleDetail,
  roleRef,
  roleSummary,
  rolesQuery,
} from '../access/schemas.ts';
import type { ApiRoute } from './api-route.ts';

/** A membership-like pair: PUT makes it hold, DELETE makes it not hold; both answer 204. */
function putAndDelete(
  path: string,
  params: z.ZodObject,
  [putSummary, deleteSummary]: [string, string],
  set: (deps: AdminDeps, params: Record<string, string>, on: boolean) => Promise<unknown>,
): ApiRoute[] {
  return (['put', 'delete'] as const).map((method) => ({
    method,
    path,
    area: 'roles',
    write: true,
    summary: method === 'put' ? putSummary : deleteSummary,
    params,
    handler: async ({ deps, params: values }) => {
      await set(deps, values, method === 'put');
    },
  }));
}

/** Groups, their members, roles of APIs and who holds them (roles.md): the CLI's `groups`, `roles`, `grant-role`. */
export const accessRoutes: ApiRoute[] = [
  {
    method: 'get',
    path: '/groups',
    area: 'roles',
    write: false,
    summary: 'Groups with their parents and member counts',
    response: z.object({ items: z.array(groupSummary) }),
    handler: async ({ deps }) => ({ items: await groupsView(deps) }),
  },
  {
    method: 'post',
    path: '/groups',
    area: 'roles',
    write: true,
    summary: 'Add a group (optionally inside a parent: one level of nesting)',
    body: newGroup,
    status: 201,
    response: z.object({ name: z.string() }),
    handler: async ({ deps, body }) => {
      const input = body as z.infer<typeof newGroup>;
      await createGroup(deps, input);
      return { name: input.name };
    },
  },
  {
    method: 'get',
    path: '/groups/{group}',
    area: 'roles',
    write: false,
    summary: 'A group with its members and the roles given to it',
    params: groupRef,
    response: groupDetail,
    handler: async ({ deps, params }) => groupView(deps, params.group!),
  },
  {
    method: 'delete',
    path: '/groups/{group}',
    area: 'roles',
    write: true,
    summary: 'Delete a group with its memberships and role assignments (refused while groups sit in it)',
    params: groupRef,
    handler: async ({ deps, params }) => {
      await removeGroup(deps, params.group!);
    },
  },
  ...putAndDelete(
    '/groups/{group}/members/{user}',
    membership,
    ['Put a user (by id) in a group', 'Take a user out of a group'],
    (deps, params, on) => setGroupMember(deps, { group: params.group!, user: params.user! }, on),
  ),
  {
    method: 'get',
    path: '/roles',
    area: 'roles',
    write: false,
    summary: 'Roles of every API, or of one (?resource=)',
    query: rolesQuery,
    response: z.object({ items: z.array(roleSummary) }),
    handler: async ({ deps, query }) => ({ items: await rolesView(deps, query.resource as string | undefined) }),
  },
  {
    method: 'get',
    path: '/roles/{resource}/{role}',
    area: 'roles',
    write: false,
    summary: 'A role with its scopes and who holds it directly (users, groups, service clients)',
    params: roleRef,
    response: roleDetail,
    handler: async ({ deps, params }) => roleView(deps, { resource: params.resource!, role: params.role! }),
  },
  {
    method: 'put',
    path: '/roles/{resource}/{role}',
    area: 'roles',
    write: true,
    summary: 'Add a role to an API, or change the scopes it grants (holders get them at their next token)',
    params: roleRef,
    body: roleBody,
    response: z.object({ result: z.enum(['added', 'updated']) }),
    handler: async ({ deps, params, body }) => {
      const input = body as z.infer<typeof roleBody>;
      return { result: await putRole(deps, { resource: params.resource!, role: params.role!, ...input }) };
    },
  },
  {
    method: 'delete',
    path: '/roles/{resource}/{role}',
    area: 'roles',
    write: true,
    summary: 'Delete a role and every assignment of it',
    params: roleRef,
    handler: async ({ deps, params }) => {
      await removeRole(deps, { resource: params.resource!, role: params.role! });
    },
  },
  ...putAndDelete(
    '/roles/{resource}/{role}/holders/{kind}/{subject}',
    holding,
    [
      'Give the role to a user (account id), a group (name) or a service client (client id)',
      'Take the role back from that holder',
    ],
    (deps, params, on) => setRoleHolder(deps, params as unknown as Holding, on),
  ),
];
