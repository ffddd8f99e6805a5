import { groupMemberModel } from '../../roles/group-member-model.ts';
import { groupModel, type GroupRecord } from '../../roles/group-model.ts';
import { addGroup, addMember, deleteGroup, listGroups, removeMember } from '../../roles/manage-groups.ts';
import { roleAssignmentModel } from '../../roles/role-assignment-model.ts';
import { type AdminDeps, notFound, recordAdmin } from '../admin-deps.ts';
import { emailsOf, existingAccount } from './accounts.ts';
import { checkInput, refusalsAsProblems } from './check-input.ts';
import { groupRef, type Membership, membership, type NewGroup, newGroup } from './schemas.ts';

/** Every group with its parent and how many members it has. */
export async function groupsView(deps: Pick<AdminDeps, 'connection'>) {
  return (await listGroups(deps.connection)).map((g) => ({
    name: g._id,
    ...(g.parent ? { parent: g.parent } : {}),
    ...(g.description ? { description: g.description } : {}),
    members: g.members,
  }));
}

/** One group with its members (and how each got there) and the roles given to it. */
export async function groupView(deps: Pick<AdminDeps, 'connection'>, name: string) {
  const group = await groupModel(deps.connection).findById(name).lean<GroupRecord>();
  if (!group) throw notFound(`group ${name}`);
  const [members, roles] = await Promise.all([
    groupMemberModel(deps.connection).find({ group: name }).sort({ accountId: 1 }).lean(),
    roleAssignmentModel(deps.connection).find({ kind: 'group', subject: name }).sort({ resource: 1, role: 1 }).lean(),
  ]);
  const emails = await emailsOf(
    deps,
    members.map((m) => m.accountId),
  );
  return {
    name: group._id,
    ...(group.parent ? { parent: group.parent } : {}),
    ...(group.description ? { description: group.description } : {}),
    members: members.map((m) => ({
      id: m.accountId,
      ...(emails.has(m.accountId) ? { email: emails.get(m.accountId) } : {}),
      source: m.source,
    })),
    roles: roles.map((r) => ({ resource: r.resource, role: r.role })),
  };
}

/** Adds a group, in a parent or not (one level of nesting). */
export async function createGroup(deps: AdminDeps, input: NewGroup): Promise<void> {
  const group = checkInput(newGroup, input);
  await refusalsAsProblems(addGroup(deps.connection, group));
  await recordAdmin(deps, 'admin.group.added', { details: { group: group.name, parent: group.parent } });
}

/** Deletes a group with its memberships and role assignments; one with groups in it is refused. */
export async function removeGroup(deps: AdminDeps, name: string): Promise<void> {
  const { group } = checkInput(groupRef, { group: name });
  await refusalsAsProblems(deleteGroup(deps.connection, group));
  await recordAdmin(deps, 'admin.group.deleted', { details: { group } });
}

/** Puts a user (by account id) in a group, or takes them out; false when nothing changed. */
export async function setGroupMember(deps: AdminDeps, input: Membership, member: boolean): Promise<boolean> {
  const { group, user } = checkInput(membership, input);
  await existingAccount(deps, user);
  const changed = member
    ? await refusalsAsProblems(addMember(deps.connection, group, user))
    : await removeMember(deps.connection, group, user);
  await recordAdmin(deps, member ? 'admin.group.member_added' : 'admin.group.member_removed', {
    account: user,
    details: { group, changed },
  });
  return changed;
}
