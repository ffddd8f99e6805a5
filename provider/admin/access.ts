import { MongoAdapter } from '../../adapters/mongodb.ts';
import { accountModel } from '../accounts/account-model.ts';
import { GroupError, addGroup, addMember, deleteGroup, listGroups, removeMember } from '../roles/manage-groups.ts';
import { deleteRole, grantRole, listRoles, revokeRole, RoleError, saveRole } from '../roles/manage-roles.ts';
import type { HolderKind } from '../roles/role-assignment-model.ts';
import { type AdminDeps, AdminProblem, invalid, notFound, recordAdmin } from './admin-deps.ts';

/** The roles services' refusals as the admin layer's (a message for the CLI, a problem for the API). */
async function refusalsAsProblems<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof RoleError || err instanceof GroupError || err instanceof TypeError) {
      throw /^no (group|role|API) /.test(err.message)
        ? new AdminProblem(404, 'not-found', err.message)
        : invalid(err.message);
    }
    throw err;
  }
}

export async function groupsView(deps: Pick<AdminDeps, 'connection'>) {
  return (await listGroups(deps.connection)).map((g) => ({
    name: g._id,
    ...(g.parent ? { parent: g.parent } : {}),
    ...(g.description ? { description: g.description } : {}),
    members: g.members,
  }));
}

export async function createGroup(deps: AdminDeps, input: { name: string; parent?: string; description?: string }) {
  await refusalsAsProblems(addGroup(deps.connection, input));
  await recordAdmin(deps, 'admin.group.added', { details: { group: input.name, parent: input.parent } });
}

export async function removeGroup(deps: AdminDeps, name: string) {
  await refusalsAsProblems(deleteGroup(deps.connection, name));
  await recordAdmin(deps, 'admin.group.deleted', { details: { group: name } });
}

async function accountIdOf(deps: Pick<AdminDeps, 'connection'>, id: string): Promise<string> {
  if (!(await accountModel(deps.connection).exists({ _id: id }))) throw notFound(`user ${id}`);
  return id;
}

/** Puts a user in a group, or takes them out; false when nothing changed. */
export async function setGroupMember(deps: AdminDeps, group: string, accountId: string, member: boolean) {
  await accountIdOf(deps, accountId);
  const changed = member
    ? await refusalsAsProblems(addMember(deps.connection, group, accountId))
    : await removeMember(deps.connection, group, accountId);
  await recordAdmin(deps, member ? 'admin.group.member_added' : 'admin.group.member_removed', {
    account: accountId,
    details: { group, changed },
  });
  return changed;
}

export async function rolesView(deps: Pick<AdminDeps, 'connection'>, resource?: string) {
  return (await listRoles(deps.connection, resource)).map((r) => ({
    resource: r.resource,
    name: r.name,
    scopes: r.scopes,
    ...(r.description ? { description: r.description } : {}),
  }));
}

export async function putRole(
  deps: AdminDeps,
  input: { resource: string; name: string; scopes: string[]; description?: string },
): Promise<'added' | 'updated'> {
  const result = await refusalsAsProblems(saveRole(deps.connection, input));
  await recordAdmin(deps, 'admin.role.saved', {
    details: { resource: input.resource, role: input.name, scopes: input.scopes.join(' '), result },
  });
  return result;
}

export async function removeRole(deps: AdminDeps, resource: string, name: string) {
  await refusalsAsProblems(deleteRole(deps.connection, resource, name));
  await recordAdmin(deps, 'admin.role.deleted', { details: { resource, role: name } });
}

/** Gives or takes back a role of an API; false when nothing changed. */
export async function setRoleHolder(
  deps: AdminDeps,
  holder: { kind: HolderKind; subject: string },
  resource: string,
  role: string,
  hold: boolean,
): Promise<boolean> {
  if (holder.kind === 'user') await accountIdOf(deps, holder.subject);
  // A role held by a client id nobody has would pass to a client registered under it later.
  if (hold && holder.kind === 'client' && !(await new MongoAdapter(deps.connection, 'Client').find(holder.subject)))
    throw notFound(`client ${holder.subject}`);
  const changed = hold
    ? await refusalsAsProblems(grantRole(deps.connection, holder, resource, role))
    : await revokeRole(deps.connection, holder, resource, role);
  await recordAdmin(deps, hold ? 'admin.role.granted' : 'admin.role.revoked', {
    ...(holder.kind === 'user' ? { account: holder.subject } : {}),
    ...(holder.kind === 'client' ? { client: holder.subject } : {}),
    details: { holder: holder.kind, subject: holder.subject, resource, role, changed },
  });
  return changed;
}
