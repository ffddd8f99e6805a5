import { z } from 'zod';

import {
  createGroup,
  groupsView,
  putRole,
  removeGroup,
  removeRole,
  rolesView,
  setGroupMember,
  setRoleHolder,
} from '../access.ts';
import type { AdminDeps } from '../admin-deps.ts';
import type { HolderKind } from '../../roles/role-assignment-model.ts';
import type { ApiRoute } from './api-route.ts';

const name = z.string().min(1).max(64);
const resource = z.string().url().max(2000).describe('the API (resource indicator), percent-encoded in the path');

const groupSchema = z.object({
  name: z.string(),
  parent: z.string().optional(),
  description: z.string().optional(),
  members: z.number().int(),
});

const roleSchema = z.object({
  resource: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  description: z.string().optional(),
});

const memberParams = z.object({ group: name, user: z.string().min(1).max(200) });
const roleParams = z.object({ resource, role: name });
const holderParams = roleParams.extend({
  kind: z.enum(['user', 'group', 'client']),
  subject: z.string().min(1).max(400),
});

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
    response: z.object({ items: z.array(groupSchema) }),
    handler: async ({ deps }) => ({ items: await groupsView(deps) }),
  },
  {
    method: 'post',
    path: '/groups',
    area: 'roles',
    write: true,
    summary: 'Add a group (optionally inside a parent: one level of nesting)',
    body: z.object({ name, parent: name.optional(), description: z.string().max(200).optional() }).strict(),
    status: 201,
    response: z.object({ name: z.string() }),
    handler: async ({ deps, body }) => {
      const input = body as { name: string; parent?: string; description?: string };
      await createGroup(deps, input);
      return { name: input.name };
    },
  },
  {
    method: 'delete',
    path: '/groups/{group}',
    area: 'roles',
    write: true,
    summary: 'Delete a group with its memberships and role assignments (refused while groups sit in it)',
    params: z.object({ group: name }),
    handler: async ({ deps, params }) => {
      await removeGroup(deps, params.group!);
    },
  },
  ...putAndDelete(
    '/groups/{group}/members/{user}',
    memberParams,
    ['Put a user (by id) in a group', 'Take a user out of a group'],
    (deps, params, on) => setGroupMember(deps, params.group!, params.user!, on),
  ),
  {
    method: 'get',
    path: '/roles',
    area: 'roles',
    write: false,
    summary: 'Roles of every API, or of one (?resource=)',
    query: z.object({ resource: z.string().url().max(2000).optional() }),
    response: z.object({ items: z.array(roleSchema) }),
    handler: async ({ deps, query }) => ({ items: await rolesView(deps, query.resource as string | undefined) }),
  },
  {
    method: 'put',
    path: '/roles/{resource}/{role}',
    area: 'roles',
    write: true,
    summary: 'Add a role to an API, or change the scopes it grants (holders get them at their next token)',
    params: roleParams,
    body: z
      .object({ scopes: z.array(z.string().min(1).max(200)).max(200), description: z.string().max(200).optional() })
      .strict(),
    response: z.object({ result: z.enum(['added', 'updated']) }),
    handler: async ({ deps, params, body }) => {
      const input = body as { scopes: string[]; description?: string };
      return { result: await putRole(deps, { resource: params.resource!, name: params.role!, ...input }) };
    },
  },
  {
    method: 'delete',
    path: '/roles/{resource}/{role}',
    area: 'roles',
    write: true,
    summary: 'Delete a role and every assignment of it',
    params: roleParams,
    handler: async ({ deps, params }) => {
      await removeRole(deps, params.resource!, params.role!);
    },
  },
  ...putAndDelete(
    '/roles/{resource}/{role}/holders/{kind}/{subject}',
    holderParams,
    [
      'Give the role to a user (account id), a group (name) or a service client (client id)',
      'Take the role back from that holder',
    ],
    (deps, params, on) =>
      setRoleHolder(
        deps,
        { kind: params.kind as HolderKind, subject: params.subject! },
        params.resource!,
        params.role!,
        on,
      ),
  ),
];
