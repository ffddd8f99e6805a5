import { listIdps } from '../../upstream/manage-idps.ts';
import { listLinks, removeLink } from '../../upstream/identity-links.ts';
import { type AdminDeps, notFound, recordAdmin } from '../admin-deps.ts';
import { storedUser } from '../users.ts';
import { checkedInput } from './checked-input.ts';
import { itemIdSchema } from './schemas.ts';

/** A user's links to upstream identity providers (names of disabled upstreams too). */
export async function userLinks(deps: AdminDeps, id: string) {
  await storedUser(deps, id);
  const links = await listLinks(deps.connection, id);
  if (links.length === 0) return [];
  const names = new Map((await listIdps(deps.connection)).map((idp) => [idp._id, idp.displayName]));
  return links.map((link) => ({
    id: link._id,
    idp: link.idp,
    idp_name: names.get(link.idp) ?? link.idp,
    ...(link.email ? { email: link.email } : {}),
    linked_at: link.createdAt.toISOString(),
    last_used_at: link.lastUsedAt.toISOString(),
  }));
}

/**
 * The upstream identity no longer signs in to this user (its next sign-in there starts afresh).
 * The account keeps its password and passkeys.
 */
export async function unlinkUser(deps: AdminDeps, id: string, link: unknown): Promise<void> {
  const linkId = checkedInput(itemIdSchema, link);
  await storedUser(deps, id);
  const removed = await removeLink(deps.connection, id, linkId);
  if (!removed) throw notFound(`linked sign-in ${linkId} of this user`);
  await recordAdmin(deps, 'admin.user.unlinked', {
    account: id,
    details: { link: linkId, idp: removed.idp, iss: removed.iss, sub: removed.sub },
  });
}
