import { setRoleHolder } from '../access/roles.ts';
import { type ADMIN_ROLE, adminApiIndicator, ensureAdminApi, type VIEWER_ROLE } from '../admin-api-resource.ts';
import type { AdminDeps } from '../admin-deps.ts';

/**
 * Lets a user into the admin console and API (viewer: read only), as a holder of the admin API's
 * role; false when they held it already. The admin API is registered first (it is idempotent).
 */
export async function grantAdministrator(
  deps: AdminDeps,
  id: string,
  role: typeof ADMIN_ROLE | typeof VIEWER_ROLE,
): Promise<boolean> {
  await ensureAdminApi(deps.connection, deps.issuer);
  return setRoleHolder(deps, { kind: 'user', subject: id, resource: adminApiIndicator(deps.issuer), role }, true);
}
