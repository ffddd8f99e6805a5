import type { HeldRole } from './principal-access-model.ts';
import { displayNameProblem } from '../security/display-name.ts';

/** The most roles (per API) and groups a token carries: a user in hundreds of groups gets a capped claim, never a huge header. */
export const MAX_ROLES_CLAIM = 50;
export const MAX_GROUPS_CLAIM = 50;

/** What a principal holds, as worked out from the stored records. */
export interface Access {
  groups: string[];
  roles: HeldRole[];
}

export const NO_ACCESS: Access = { groups: [], roles: [] };

/**
 * A user's groups with their parents (one level), and every role they hold: directly, or through
 * any of those groups. A role assignment whose role no longer exists grants nothing.
 */
export function computeAccess(input: {
  memberOf: string[];
  parents: Map<string, string | undefined>;
  assignments: { resource: string; role: string }[];
  roles: HeldRole[];
}): Access {
  const groups = new Set(input.memberOf);
  for (const group of input.memberOf) {
    const parent = input.parents.get(group);
    if (parent) groups.add(parent);
  }
  const defined = new Map(input.roles.map((role) => [`${role.resource} ${role.name}`, role]));
  const held = new Map<string, HeldRole>();
  for (const { resource, role } of input.assignments) {
    const found = defined.get(`${resource} ${role}`);
    if (found) held.set(`${resource} ${role}`, { resource, name: role, scopes: [...found.scopes].sort() });
  }
  return {
    groups: [...groups].sort(),
    roles: [...held.values()].sort((a, b) => `${a.resource} ${a.name}`.localeCompare(`${b.resource} ${b.name}`)),
  };
}

/** The role names held at one API, capped. */
export function rolesAt(access: Access, resource: string): string[] {
  return access.roles
    .filter((role) => role.resource === resource)
    .map((role) => role.name)
    .slice(0, MAX_ROLES_CLAIM);
}

/** The scopes of one API that the held roles grant. */
export function scopesGrantedAt(access: Access, resource: string): Set<string> {
  return new Set(access.roles.filter((role) => role.resource === resource).flatMap((role) => role.scopes));
}

/** The `groups` claim: the group names, capped (sorted, so the same ones every time). */
export function groupsClaim(access: Access): string[] {
  return access.groups.slice(0, MAX_GROUPS_CLAIM);
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Group and role names: short, lower case, no spaces (they travel in tokens and headers). */
export function checkName(kind: 'group' | 'role', name: string): string {
  if (!NAME.test(name))
    throw new TypeError(`${kind} name must be 1-64 lower-case letters, digits, dots, dashes or underscores`);
  return name;
}

/** Group and role descriptions are free text shown in the console: the shared display-name check. */
export function checkDescription(kind: 'group' | 'role', description: string | undefined): void {
  const problem = description === undefined ? undefined : displayNameProblem(description);
  if (problem) throw new TypeError(`${kind} description ${problem}`);
}
