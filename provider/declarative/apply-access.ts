import { normalizeEmail } from '../accounts/normalize-email.ts';
import { AdminProblem, type AdminDeps } from '../admin/admin-deps.ts';
import { accountIdByEmail } from '../admin/access/accounts.ts';
import { createGroup, groupView, setGroupMember } from '../admin/access/groups.ts';
import { putRole, roleView, setRoleHolder } from '../admin/access/roles.ts';
import type { Holding } from '../admin/access/schemas.ts';
import type { Change } from './apply-declaration.ts';
import type { Declaration, RoleReference } from './declaration.ts';

const same = (a: string[], b: string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

/** A view, or undefined when what it shows does not exist (yet). */
async function unlessMissing<T>(view: Promise<T>): Promise<T | undefined> {
  try {
    return await view;
  } catch (err) {
    if (err instanceof AdminProblem && err.status === 404) return undefined;
    throw err;
  }
}

/**
 * The roles, groups, memberships and role assignments a file declares, made where missing and
 * (for a role's scopes) brought in line; through the admin operations, so each change is checked
 * and audited like an API call (via 'config') and a holder's tokens follow. Nothing undeclared is
 * taken away: the file adds, the CLI removes.
 */
export async function applyAccess(deps: AdminDeps, declaration: Declaration, write: boolean): Promise<Change[]> {
  const changes: Change[] = [];
  for (const resource of declaration.resources) {
    for (const role of resource.roles ?? []) {
      const ref = { resource: resource.indicator, role: role.name };
      const stored = await unlessMissing(roleView(deps, ref));
      const action = !stored ? 'create' : same(stored.scopes, role.scopes) ? 'unchanged' : 'update';
      const id = `${resource.indicator} ${role.name}`;
      changes.push({ kind: 'role', id, action, ...(action === 'update' ? { fields: ['scopes'] } : {}) });
      if (write && action !== 'unchanged')
        await putRole(deps, { ...ref, scopes: role.scopes, description: role.description });
    }
  }

  // Parents first, so that a child's parent exists when the child is made.
  const groups = [...declaration.groups].sort((a, b) => Number(!!a.parent) - Number(!!b.parent));
  for (const group of groups) {
    const exists = !!(await unlessMissing(groupView(deps, group.name)));
    changes.push({ kind: 'group', id: group.name, action: exists ? 'unchanged' : 'create' });
    if (write && !exists)
      await createGroup(deps, { name: group.name, parent: group.parent, description: group.description });
  }

  const assign = async (kind: Holding['kind'], subject: string, label: string, refs: RoleReference[] = []) => {
    for (const { resource, role } of refs) {
      const held = (await unlessMissing(roleView(deps, { resource, role })))?.holders ?? [];
      const exists = held.some((h) => h.kind === kind && h.subject === subject);
      changes.push({
        kind: 'assignment',
        id: `${kind} ${label} ${role}@${resource}`,
        action: exists ? 'unchanged' : 'create',
      });
      if (write && !exists) await setRoleHolder(deps, { kind, subject, resource, role }, true);
    }
  };

  for (const group of declaration.groups) {
    await assign('group', group.name, group.name, group.roles);
    const members = new Set((await unlessMissing(groupView(deps, group.name)))?.members.map((m) => m.id));
    for (const email of group.members ?? []) {
      const accountId = await accountIdByEmail(deps, email);
      const id = `${group.name} ${normalizeEmail(email)}`;
      if (!accountId) {
        if (write) throw new TypeError(`group ${group.name}: no user ${email} (declare it under users)`);
        // A dry run before the declared user exists: it will be there on apply.
        changes.push({ kind: 'member', id, action: 'create' });
        continue;
      }
      const exists = members.has(accountId);
      changes.push({ kind: 'member', id, action: exists ? 'unchanged' : 'create' });
      if (write && !exists) await setGroupMember(deps, { group: group.name, user: accountId }, true);
    }
  }
  for (const client of declaration.clients) await assign('client', client.id, client.id, client.roles);
  for (const user of declaration.users) {
    const accountId = await accountIdByEmail(deps, user.email);
    if (accountId) await assign('user', accountId, normalizeEmail(user.email), user.roles);
  }
  return changes;
}
