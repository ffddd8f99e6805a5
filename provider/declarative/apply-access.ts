import type { Connection } from 'mongoose';

import { accountModel } from '../accounts/account-model.ts';
import { normalizeEmail } from '../accounts/normalize-email.ts';
import { groupMemberModel, memberId } from '../roles/group-member-model.ts';
import { groupModel } from '../roles/group-model.ts';
import { addGroup, addMember } from '../roles/manage-groups.ts';
import { grantRole, saveRole } from '../roles/manage-roles.ts';
import { assignmentId, type HolderKind, roleAssignmentModel } from '../roles/role-assignment-model.ts';
import { roleId, roleModel, type RoleRecord } from '../roles/role-model.ts';
import type { Change } from './apply-declaration.ts';
import type { Declaration, RoleReference } from './declaration.ts';

const same = (a: string[], b: string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

/**
 * The roles, groups, memberships and role assignments a file declares, made where missing and
 * (for a role's scopes) brought in line; through the same services as the admin CLI, so a holder's
 * tokens follow. Nothing undeclared is taken away: the file adds, the CLI removes.
 */
export async function applyAccess(connection: Connection, declaration: Declaration, write: boolean): Promise<Change[]> {
  const changes: Change[] = [];
  const Role = roleModel(connection);
  for (const resource of declaration.resources) {
    for (const role of resource.roles ?? []) {
      const id = roleId(resource.indicator, role.name);
      const stored = await Role.findById(id).lean<RoleRecord>();
      const action = !stored ? 'create' : same(stored.scopes, role.scopes) ? 'unchanged' : 'update';
      changes.push({ kind: 'role', id, action, ...(action === 'update' ? { fields: ['scopes'] } : {}) });
      if (write && action !== 'unchanged') await saveRole(connection, { resource: resource.indicator, ...role });
    }
  }

  // Parents first, so that a child's parent exists when the child is made.
  const groups = [...declaration.groups].sort((a, b) => Number(!!a.parent) - Number(!!b.parent));
  for (const group of groups) {
    const exists = await groupModel(connection).exists({ _id: group.name });
    changes.push({ kind: 'group', id: group.name, action: exists ? 'unchanged' : 'create' });
    if (write && !exists) await addGroup(connection, group);
  }

  const accountOf = async (email: string) =>
    (
      await accountModel(connection)
        .findOne({ email: normalizeEmail(email) }, { _id: 1 })
        .lean()
    )?._id;
  const assign = async (kind: HolderKind, subject: string, label: string, refs: RoleReference[] = []) => {
    for (const { resource, role } of refs) {
      const exists = await roleAssignmentModel(connection).exists({ _id: assignmentId(kind, subject, resource, role) });
      changes.push({
        kind: 'assignment',
        id: `${kind} ${label} ${role}@${resource}`,
        action: exists ? 'unchanged' : 'create',
      });
      if (write && !exists) await grantRole(connection, { kind, subject }, resource, role);
    }
  };

  for (const group of declaration.groups) {
    await assign('group', group.name, group.name, group.roles);
    for (const email of group.members ?? []) {
      const accountId = await accountOf(email);
      const id = `${group.name} ${normalizeEmail(email)}`;
      if (!accountId) {
        if (write) throw new TypeError(`group ${group.name}: no user ${email} (declare it under users)`);
        // A dry run before the declared user exists: it will be there on apply.
        changes.push({ kind: 'member', id, action: 'create' });
        continue;
      }
      const exists = await groupMemberModel(connection).exists({ _id: memberId(group.name, accountId) });
      changes.push({ kind: 'member', id, action: exists ? 'unchanged' : 'create' });
      if (write && !exists) await addMember(connection, group.name, accountId);
    }
  }
  for (const client of declaration.clients) await assign('client', client.id, client.id, client.roles);
  for (const user of declaration.users) {
    const accountId = await accountOf(user.email);
    if (accountId) await assign('user', accountId, normalizeEmail(user.email), user.roles);
  }
  return changes;
}
