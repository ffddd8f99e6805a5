import type { Connection } from 'mongoose';

import { computeAccess } from './access-rules.ts';
import { groupMemberModel } from './group-member-model.ts';
import { groupModel, type GroupRecord } from './group-model.ts';
import { clientPrincipal, type HeldRole, principalAccessModel, userPrincipal } from './principal-access-model.ts';
import { roleAssignmentModel, type RoleAssignmentRecord } from './role-assignment-model.ts';
import { roleModel, type RoleRecord } from './role-model.ts';

async function rolesNamed(connection: Connection, assignments: RoleAssignmentRecord[]): Promise<HeldRole[]> {
  if (assignments.length === 0) return [];
  const ids = [...new Set(assignments.map((a) => `${a.resource} ${a.role}`))];
  const roles = await roleModel(connection)
    .find({ _id: { $in: ids } })
    .lean<RoleRecord[]>();
  return roles.map((role) => ({ resource: role.resource, name: role.name, scopes: role.scopes }));
}

async function save(connection: Connection, id: string, access: ReturnType<typeof computeAccess>): Promise<void> {
  await principalAccessModel(connection).updateOne(
    { _id: id },
    { $set: { groups: access.groups, roles: access.roles, updatedAt: new Date() } },
    { upsert: true },
  );
}

/** Works a user's access out again from memberships, parents, assignments and roles, and stores it. */
export async function refreshUserAccess(connection: Connection, accountId: string): Promise<void> {
  const memberships = await groupMemberModel(connection).find({ accountId }, { group: 1 }).lean();
  const memberOf = memberships.map((m) => m.group);
  const groups = memberOf.length
    ? await groupModel(connection)
        .find({ _id: { $in: memberOf } }, { parent: 1 })
        .lean<GroupRecord[]>()
    : [];
  const parents = new Map(groups.map((group) => [group._id, group.parent]));
  const allGroups = [...new Set([...memberOf, ...groups.map((g) => g.parent).filter((p): p is string => !!p)])];
  const assignments = await roleAssignmentModel(connection)
    .find({
      $or: [
        { kind: 'user', subject: accountId },
        { kind: 'group', subject: { $in: allGroups } },
      ],
    })
    .lean<RoleAssignmentRecord[]>();
  const access = computeAccess({
    // Only groups that still exist count.
    memberOf: memberOf.filter((group) => parents.has(group)),
    parents,
    assignments,
    roles: await rolesNamed(connection, assignments),
  });
  await save(connection, userPrincipal(accountId), access);
}

/** The same for a service client: roles assigned to it directly (clients are in no group). */
async function refreshClientAccess(connection: Connection, clientId: string): Promise<void> {
  const assignments = await roleAssignmentModel(connection)
    .find({ kind: 'client', subject: clientId })
    .lean<RoleAssignmentRecord[]>();
  const access = computeAccess({
    memberOf: [],
    parents: new Map(),
    assignments,
    roles: await rolesNamed(connection, assignments),
  });
  await save(connection, clientPrincipal(clientId), access);
}

/** Every account in these groups or in groups whose parent they are. */
export async function membersOf(connection: Connection, groups: string[]): Promise<string[]> {
  if (groups.length === 0) return [];
  const children = await groupModel(connection)
    .find({ parent: { $in: groups } }, { _id: 1 })
    .lean();
  const all = [...groups, ...children.map((child) => child._id)];
  const members = await groupMemberModel(connection)
    .find({ group: { $in: all } }, { accountId: 1 })
    .lean();
  return [...new Set(members.map((m) => m.accountId))];
}

/** Refreshes everyone who holds one of these roles, directly or through a group. */
export async function refreshRoleHolders(
  connection: Connection,
  roles: { resource: string; role: string }[],
): Promise<void> {
  if (roles.length === 0) return;
  const assignments = await roleAssignmentModel(connection)
    .find({ $or: roles.map(({ resource, role }) => ({ resource, role })) })
    .lean<RoleAssignmentRecord[]>();
  await refreshHolders(connection, assignments);
}

/** Refreshes the principals these assignments name (the members, for a group). */
export async function refreshHolders(
  connection: Connection,
  assignments: Pick<RoleAssignmentRecord, 'kind' | 'subject'>[],
): Promise<void> {
  const users = new Set(assignments.filter((a) => a.kind === 'user').map((a) => a.subject));
  for (const member of await membersOf(
    connection,
    assignments.filter((a) => a.kind === 'group').map((a) => a.subject),
  ))
    users.add(member);
  const clients = new Set(assignments.filter((a) => a.kind === 'client').map((a) => a.subject));
  for (const user of users) await refreshUserAccess(connection, user);
  for (const client of clients) await refreshClientAccess(connection, client);
}
