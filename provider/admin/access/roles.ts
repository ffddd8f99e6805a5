import { MongoAdapter } from '../../../adapters/mongodb.ts';
import { deleteRole, grantRole, listRoles, revokeRole, saveRole } from '../../roles/manage-roles.ts';
import { roleAssignmentModel } from '../../roles/role-assignment-model.ts';
import { roleId, roleModel, type RoleRecord } from '../../roles/role-model.ts';
import { ADMIN_ROLE, adminApiIndicator, VIEWER_ROLE } from '../admin-api-resource.ts';
import { type AdminDeps, invalid, notFound, recordAdmin } from '../admin-deps.ts';
import { emailsOf, existingAccount } from './accounts.ts';
import { checkInput, refusalsAsProblems } from './check-input.ts';
import { type Holding, holding, type RoleInput, type RoleRef, roleInput, roleRef, rolesQuery } from './schemas.ts';

const summary = (r: RoleRecord) => ({
  resource: r.resource,
  name: r.name,
  scopes: r.scopes,
  ...(r.description ? { description: r.description } : {}),
});

/** The roles of every API, or of one. */
export async function rolesView(deps: Pick<AdminDeps, 'connection'>, resource?: string) {
  const query = checkInput(rolesQuery, { resource });
  return (await listRoles(deps.connection, query.resource)).map(summary);
}

/** Who holds each role directly (users with their email), for these roles. */
async function holdersOf(deps: Pick<AdminDeps, 'connection'>, roles: RoleRef[]) {
  if (roles.length === 0) return new Map<string, { kind: Holding['kind']; subject: string; label?: string }[]>();
  const assignments = await roleAssignmentModel(deps.connection)
    .find({ $or: roles.map((r) => ({ resource: r.resource, role: r.role })) })
    .sort({ kind: 1, subject: 1 })
    .lean();
  const emails = await emailsOf(
    deps,
    assignments.filter((a) => a.kind === 'user').map((a) => a.subject),
  );
  const held = new Map<string, { kind: Holding['kind']; subject: string; label?: string }[]>();
  for (const a of assignments) {
    const label = a.kind === 'user' ? emails.get(a.subject) : undefined;
    const key = roleId(a.resource, a.role);
    held.set(key, [...(held.get(key) ?? []), { kind: a.kind, subject: a.subject, ...(label ? { label } : {}) }]);
  }
  return held;
}

/** The roles (of one API or all) each with who holds it directly: the console's roles page. */
export async function rolesWithHolders(deps: Pick<AdminDeps, 'connection'>, resource?: string) {
  const roles = await rolesView(deps, resource);
  const held = await holdersOf(
    deps,
    roles.map((r) => ({ resource: r.resource, role: r.name })),
  );
  return roles.map((r) => ({ ...r, holders: held.get(roleId(r.resource, r.name)) ?? [] }));
}

/** One role with its scopes and who holds it directly. */
export async function roleView(deps: Pick<AdminDeps, 'connection'>, ref: RoleRef) {
  const { resource, role } = checkInput(roleRef, ref);
  const found = await roleModel(deps.connection).findById(roleId(resource, role)).lean<RoleRecord>();
  if (!found) throw notFound(`role ${role} on ${resource}`);
  const held = await holdersOf(deps, [{ resource, role }]);
  return { ...summary(found), holders: held.get(roleId(resource, role)) ?? [] };
}

/** Adds a role to an API, or changes the scopes it grants (holders get them at their next token). */
/**
 * The admin API's own roles are set up at every start: deleting `admin` would take every
 * administrator's assignment with it, and rewriting its scopes would lock them out. They are held
 * and given back (grant-admin), never changed here.
 */
function refuseAdminApiRole(deps: AdminDeps, resource: string, role: string): void {
  if (resource === adminApiIndicator(deps.issuer) && (role === ADMIN_ROLE || role === VIEWER_ROLE))
    throw invalid(`${role} is a role of the provider’s own admin API: it is managed at start-up, not here`);
}

export async function putRole(deps: AdminDeps, input: RoleInput): Promise<'added' | 'updated'> {
  const { resource, role, scopes, description } = checkInput(roleInput, input);
  refuseAdminApiRole(deps, resource, role);
  const result = await refusalsAsProblems(saveRole(deps.connection, { resource, name: role, scopes, description }));
  await recordAdmin(deps, 'admin.role.saved', { details: { resource, role, scopes: scopes.join(' '), result } });
  return result;
}

/** Deletes a role and every assignment of it. */
export async function removeRole(deps: AdminDeps, ref: RoleRef): Promise<void> {
  const { resource, role } = checkInput(roleRef, ref);
  refuseAdminApiRole(deps, resource, role);
  await refusalsAsProblems(deleteRole(deps.connection, resource, role));
  await recordAdmin(deps, 'admin.role.deleted', { details: { resource, role } });
}

/** Gives or takes back a role of an API (to a user id, group or client id); false when nothing changed. */
export async function setRoleHolder(deps: AdminDeps, input: Holding, hold: boolean): Promise<boolean> {
  const { kind, subject, resource, role } = checkInput(holding, input);
  if (kind === 'user') await existingAccount(deps, subject);
  // A role held by a client id nobody has would pass to a client registered under it later.
  if (hold && kind === 'client' && !(await new MongoAdapter(deps.connection, 'Client').find(subject)))
    throw notFound(`client ${subject}`);
  const holder = { kind, subject };
  const changed = hold
    ? await refusalsAsProblems(grantRole(deps.connection, holder, resource, role))
    : await revokeRole(deps.connection, holder, resource, role);
  await recordAdmin(deps, hold ? 'admin.role.granted' : 'admin.role.revoked', {
    ...(kind === 'user' ? { account: subject } : {}),
    ...(kind === 'client' ? { client: subject } : {}),
    details: { holder: kind, subject, resource, role, changed },
  });
  return changed;
}
