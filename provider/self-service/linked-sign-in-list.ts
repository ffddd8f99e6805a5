import { listIdps } from '../upstream/manage-idps.ts';
import { listLinks } from '../upstream/identity-links.ts';
import type { AccountDeps } from './account-deps.ts';

const day = (date: Date) => date.toISOString().slice(0, 10);

/** The account's links to upstream identity providers, as the account page lists them. */
export async function linkedSignIns(deps: Pick<AccountDeps, 'connection'>, accountId: string) {
  const links = await listLinks(deps.connection, accountId);
  if (links.length === 0) return [];
  // Names of disabled upstreams too: a link to one is still the user's to remove.
  const names = new Map((await listIdps(deps.connection)).map((idp) => [idp._id, idp.displayName]));
  return links.map((link) => ({
    id: link._id,
    name: names.get(link.idp) ?? link.idp,
    email: link.email,
    linked: day(link.createdAt),
    lastUsed: day(link.lastUsedAt),
  }));
}
