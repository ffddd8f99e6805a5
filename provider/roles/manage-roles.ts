import type { Connection } from 'mongoose';

import { resourceServerModel } from '../resources/resource-server-model.ts';
import { checkDescription, checkName } from './access-rules.ts';
import { groupModel } from './group-model.ts';
import { refreshHolders, refreshRoleHolders } from './refresh-access.ts';
import { assignmentId, type HolderKind, roleAssignmentModel } from './role-assignment-model.ts';
import { roleId, roleModel, type RoleRecord } from './role-model.ts';
import { clientPrincipal, principalAccessModel } from './principal-access-model.ts';

export class RoleError extends Error {}

/**
 * Adds a role to an API, or changes the scopes it grants (everyone holding it gets the new set
 * at their next token). The scopes must be scopes of that API.
 */
export async function saveRole(
  connection: Connection,
  input: { resource: string; name: string; scopes: string[]; description?: string },
): Promise<'added' | 'updated'> {
  const name = checkName('role', input.name);
  checkDescription('role', input.description);
  const server = await resourceServerModel(connection).findById(input.resource, { scopes: 1 }).lean();
  if (!server) throw new RoleError(`no API ${input.resource}`);
  const unknown = input.scopes.filter((scope) => !server.scopes.includes(scope));
  if (unknown.length) throw new RoleError(`${input.resource} has no scope ${unknown.join(', ')}`);
  const Role = roleModel(connection);
  const id = roleId(input.resource, name);
  const existing = await Role.findById(id, { scopes: 1 }).lean<Pick<RoleRecord, 'scopes'>>();
  const scopes = [...new Set(input.scopes)];
  await Role.updateOne(
    { _id: id },
    {
      $set: { resource: input.resource, name, scopes, description: input.description },
      $setOnInsert: { createdAt: new Date() },
    },
    { upsert: true },
  );
  if (!existing) {
    await recordRoleNames(connection, input.resource);
    return 'added';
  }
  // Holders' worked-out access changes only with the scopes (the admin API's roles are saved at every start).
  const same = existing.scopes.length === scopes.length && scopes.every((scope) => existing.scopes.includes(scope));
  if (!same) await refreshRoleHolders(connection, [{ resource: input.resource, role: name }]);
  return 'updated';
}

/** Writes the API's role names onto it (read from the roles themselves: an operator's change, rare). */
async function recordRoleNames(connection: Connection, resource: string): Promise<void> {
  const roles = await roleModel(connection).find({ resource }, { name: 1 }).lean();
  await resourceServerModel(connection).updateOne(
    { _id: resource },
    { $set: { roles: roles.map((r) => r.name).sort() } },
  );
}

export function listRoles(connection: Connection, resource?: string): Promise<RoleRecord[]> {
  return roleModel(connection)
    .find(resource ? { resource } : {})
    .sort({ resource: 1, name: 1 })
    .lean<RoleRecord[]>();
}

/** Deletes a role and every assignment of it; its holders lose it at their next token. */
export async function deleteRole(connection: Connection, resource: string, name: string): Promise<void> {
  const removed = await roleModel(connection).deleteOne({ _id: roleId(resource, name) });
  if (removed.deletedCount !== 1) throw new RoleError(`no role ${name} on ${resource}`);
  await recordRoleNames(connection, resource);
  const Assignment = roleAssignmentModel(connection);
  const holders = await Assignment.find({ resource, role: name }, { kind: 1, subject: 1 }).lean();
  await Assignment.deleteMany({ resource, role: name });
  await refreshHolders(connection, holders);
}

/** Gives a role to a user, a group or a service client (false when it already held it). */
export async function grantRole(
  connection: Connection,
  holder: { kind: HolderKind; subject: string },
  resource: string,
  role: string,
): Promise<boolean> {
  if (!(await roleModel(connection).exists({ _id: roleId(resource, role) })))
    throw new RoleError(`no role ${role} on ${resource}`);
  if (holder.kind === 'group' && !(await groupModel(connection).exists({ _id: holder.subject })))
    throw new RoleError(`no group ${holder.subject}`);
  try {
    await roleAssignmentModel(connection).insertMany([
      {
        _id: assignmentId(holder.kind, holder.subject, resource, role),
        ...holder,
        resource,
        role,
        createdAt: new Date(),
      },
    ]);
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return false;
    throw err;
  }
  await refreshHolders(connection, [holder]);
  return true;
}

/** Takes a role back (false when it was not held that way). */
export async function revokeRole(
  connection: Connection,
  holder: { kind: HolderKind; subject: string },
  resource: string,
  role: string,
): Promise<boolean> {
  const removed = await roleAssignmentModel(connection).deleteOne({
    _id: assignmentId(holder.kind, holder.subject, resource, role),
  });
  if (removed.deletedCount !== 1) return false;
  await refreshHolders(connection, [holder]);
  return true;
}

/** A deleted client's roles go with it: a client registered later under the same id starts with none. */
export async function forgetClientRoles(connection: Connection, clientId: string): Promise<void> {
  await roleAssignmentModel(connection).deleteMany({ kind: 'client', subject: clientId });
  await principalAccessModel(connection).deleteOne({ _id: clientPrincipal(clientId) });
}
