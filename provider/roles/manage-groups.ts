import type { Connection } from 'mongoose';

import { checkDescription, checkName } from './access-rules.ts';
import { groupMemberModel, memberId } from './group-member-model.ts';
import { groupModel, type GroupRecord } from './group-model.ts';
import { principalAccessModel, userPrincipal } from './principal-access-model.ts';
import { membersOf, refreshUserAccess } from './refresh-access.ts';
import { roleAssignmentModel } from './role-assignment-model.ts';

export class GroupError extends Error {}

/** Adds a group, in a parent or not. Nesting stops at one level: the parent must have none. */
export async function addGroup(
  connection: Connection,
  input: { name: string; parent?: string; description?: string },
): Promise<void> {
  const name = checkName('group', input.name);
  checkDescription('group', input.description);
  const Group = groupModel(connection);
  if (await Group.exists({ _id: name })) throw new GroupError(`group ${name} exists already`);
  if (input.parent) {
    const parent = await Group.findById(input.parent, { parent: 1 }).lean<GroupRecord>();
    if (!parent) throw new GroupError(`no group ${input.parent}`);
    if (parent.parent)
      throw new GroupError(`${input.parent} is itself in ${parent.parent}: groups nest one level only`);
  }
  await Group.insertMany([
    {
      _id: name,
      ...(input.parent ? { parent: input.parent } : {}),
      ...(input.description ? { description: input.description } : {}),
      createdAt: new Date(),
    },
  ]);
}

export async function listGroups(
  connection: Connection,
): Promise<(Pick<GroupRecord, '_id' | 'parent' | 'description'> & { members: number })[]> {
  const [groups, members] = await Promise.all([
    groupModel(connection).find({}).sort({ _id: 1 }).lean<GroupRecord[]>(),
    groupMemberModel(connection).find({}, { group: 1 }).lean(),
  ]);
  const counts = new Map<string, number>();
  for (const m of members) counts.set(m.group, (counts.get(m.group) ?? 0) + 1);
  return groups.map((g) => ({
    _id: g._id,
    parent: g.parent,
    description: g.description,
    members: counts.get(g._id) ?? 0,
  }));
}

/** Deletes a group with its memberships and role assignments; one with groups in it is refused. */
export async function deleteGroup(connection: Connection, name: string): Promise<void> {
  const Group = groupModel(connection);
  if (!(await Group.exists({ _id: name }))) throw new GroupError(`no group ${name}`);
  if (await Group.exists({ parent: name })) throw new GroupError(`${name} has groups in it: delete or move them first`);
  const affected = await membersOf(connection, [name]);
  await Group.deleteOne({ _id: name });
  await groupMemberModel(connection).deleteMany({ group: name });
  await roleAssignmentModel(connection).deleteMany({ kind: 'group', subject: name });
  for (const accountId of affected) await refreshUserAccess(connection, accountId);
}

/** Puts an account in a group (false when it was already there). */
export async function addMember(
  connection: Connection,
  group: string,
  accountId: string,
  source = 'admin',
): Promise<boolean> {
  if (!(await groupModel(connection).exists({ _id: group }))) throw new GroupError(`no group ${group}`);
  try {
    await groupMemberModel(connection).insertMany([
      { _id: memberId(group, accountId), group, accountId, source, createdAt: new Date() },
    ]);
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return false;
    throw err;
  }
  await refreshUserAccess(connection, accountId);
  return true;
}

/** Takes an account out of a group (false when it was not in it). */
export async function removeMember(connection: Connection, group: string, accountId: string): Promise<boolean> {
  const removed = await groupMemberModel(connection).deleteOne({ _id: memberId(group, accountId) });
  if (removed.deletedCount !== 1) return false;
  await refreshUserAccess(connection, accountId);
  return true;
}

/**
 * Keeps the memberships an upstream identity provider's groups decide in step with what it said
 * at this sign-in: for each mapped local group, a member exactly when the upstream listed the
 * mapped upstream group. Memberships an operator made are left alone.
 */
export async function syncUpstreamGroups(
  connection: Connection,
  accountId: string,
  source: string,
  mapping: { upstream: string; local: string }[],
  upstreamGroups: string[],
): Promise<void> {
  if (mapping.length === 0) return;
  const said = new Set(upstreamGroups);
  const wanted = new Set(mapping.filter((m) => said.has(m.upstream)).map((m) => m.local));
  const Member = groupMemberModel(connection);
  const current = await Member.find({ accountId, source }, { group: 1 }).lean();
  const have = new Set(current.map((m) => m.group));
  const existing = new Set(
    (
      await groupModel(connection)
        .find({ _id: { $in: [...wanted] } }, { _id: 1 })
        .lean()
    ).map((g) => g._id),
  );
  const add = [...wanted].filter((group) => !have.has(group) && existing.has(group));
  const drop = [...have].filter((group) => !wanted.has(group));
  if (add.length === 0 && drop.length === 0) return;
  for (const group of add) {
    await Member.insertMany([
      { _id: memberId(group, accountId), group, accountId, source, createdAt: new Date() },
    ]).catch((err: { code?: number }) => {
      if (err.code !== 11000) throw err;
    });
  }
  if (drop.length) await Member.deleteMany({ accountId, source, group: { $in: drop } });
  await refreshUserAccess(connection, accountId);
}

/** What a user holds, for listings: groups (parents included) and roles per API. */
export async function accessOfUser(connection: Connection, accountId: string) {
  return principalAccessModel(connection).findById(userPrincipal(accountId)).lean();
}
