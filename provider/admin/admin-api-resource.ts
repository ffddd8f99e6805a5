import type { Connection } from 'mongoose';

import { saveResourceServer } from '../resources/resource-server-directory.ts';
import { grantRole, saveRole } from '../roles/manage-roles.ts';

/** Where the admin API lives; its resource indicator (the `aud` of its tokens) is the issuer plus this. */
export const ADMIN_API_PATH = '/admin/api/v1';

export const adminApiIndicator = (issuer: string) => `${issuer}${ADMIN_API_PATH}`;

/** The areas of the admin API; each has a write scope (`admin:<area>`) and a read-only one (`admin:<area>:read`). */
export const ADMIN_AREAS = ['clients', 'resources', 'users', 'roles', 'keys', 'audit', 'idps'] as const;
export type AdminArea = (typeof ADMIN_AREAS)[number];

export const writeScope = (area: AdminArea) => `admin:${area}`;
export const readScope = (area: AdminArea) => `admin:${area}:read`;

/** Whether granted scopes allow this: a write scope allows reading too. */
export function allows(scopes: readonly string[], area: AdminArea, write: boolean): boolean {
  return scopes.includes(writeScope(area)) || (!write && scopes.includes(readScope(area)));
}

/** The two roles of the admin API: `admin` may do everything, `viewer` may read everything. */
export const ADMIN_ROLE = 'admin';
export const VIEWER_ROLE = 'viewer';

/**
 * Registers the admin API as an API of this provider (at every start: idempotent): its scopes
 * are handed out only through its roles, so neither a person nor a service gets an admin scope
 * without the admin or viewer role (granted by `users grant-admin`, `clients grant-role`).
 */
export async function ensureAdminApi(connection: Connection, issuer: string): Promise<void> {
  const indicator = adminApiIndicator(issuer);
  const writes = ADMIN_AREAS.map(writeScope);
  const reads = ADMIN_AREAS.map(readScope);
  await saveResourceServer(connection, {
    _id: indicator,
    name: 'meshid admin API',
    scopes: [...writes, ...reads],
    scopeAccess: 'roles',
  });
  await saveRole(connection, {
    resource: indicator,
    name: ADMIN_ROLE,
    scopes: [...writes, ...reads],
    description: 'everything',
  });
  await saveRole(connection, { resource: indicator, name: VIEWER_ROLE, scopes: reads, description: 'read only' });
}

/** Makes a user an administrator (or a viewer) of this provider: the console and the API. */
export async function grantAdmin(
  connection: Connection,
  issuer: string,
  accountId: string,
  role: typeof ADMIN_ROLE | typeof VIEWER_ROLE,
): Promise<boolean> {
  await ensureAdminApi(connection, issuer);
  return grantRole(connection, { kind: 'user', subject: accountId }, adminApiIndicator(issuer), role);
}
