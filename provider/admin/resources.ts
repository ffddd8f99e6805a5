import { saveResourceServer, setResourceAccess } from '../resources/resource-server-directory.ts';
import { resourceServerModel, type ResourceServerRecord } from '../resources/resource-server-model.ts';
import { adminApiIndicator } from './admin-api-resource.ts';
import { type AdminDeps, invalid, notFound, recordAdmin } from './admin-deps.ts';

/** An API as administrators see it. */
export interface ResourceView {
  indicator: string;
  name: string;
  scopes: string[];
  access_token_ttl?: number;
  scope_access: 'open' | 'roles';
  roles: string[];
}

const view = (r: ResourceServerRecord): ResourceView => ({
  indicator: r._id,
  name: r.name,
  scopes: r.scopes,
  ...(r.accessTokenTtl ? { access_token_ttl: r.accessTokenTtl } : {}),
  scope_access: r.scopeAccess ?? 'open',
  roles: r.roles ?? [],
});

export async function listResources(
  deps: Pick<AdminDeps, 'connection'>,
  options: { after?: string; limit: number },
): Promise<ResourceView[]> {
  const all = await resourceServerModel(deps.connection)
    .find(options.after ? { _id: { $gt: options.after } } : {})
    .sort({ _id: 1 })
    .limit(options.limit)
    .lean<ResourceServerRecord[]>();
  return all.map(view);
}

export async function getResource(deps: Pick<AdminDeps, 'connection'>, indicator: string): Promise<ResourceView> {
  const found = await resourceServerModel(deps.connection).findById(indicator).lean<ResourceServerRecord>();
  if (!found) throw notFound(`API ${indicator}`);
  return view(found);
}

/** Adds an API or replaces its name, scopes and lifetime (and how its scopes are handed out). */
/** The provider's own admin API is set up at every start; opening its scopes would hand out administration. */
function refuseOwnAdminApi(deps: AdminDeps, indicator: string): void {
  if (indicator === adminApiIndicator(deps.issuer))
    throw invalid('this is the provider’s own admin API: it is managed at start-up, not here');
}

export async function saveResource(
  deps: AdminDeps,
  input: { indicator: string; name: string; scopes: string[]; accessTokenTtl?: number; scopeAccess?: 'open' | 'roles' },
): Promise<ResourceView> {
  refuseOwnAdminApi(deps, input.indicator);
  try {
    await saveResourceServer(deps.connection, {
      _id: input.indicator,
      name: input.name,
      scopes: input.scopes,
      accessTokenTtl: input.accessTokenTtl,
    });
  } catch (err) {
    if (err instanceof TypeError) throw invalid(err.message);
    throw err;
  }
  if (input.scopeAccess) await setResourceAccess(deps.connection, input.indicator, { scopeAccess: input.scopeAccess });
  await recordAdmin(deps, 'admin.resource.saved', { details: { indicator: input.indicator } });
  return getResource(deps, input.indicator);
}

/** Deletes an API (tokens already issued for it stay valid until they expire). */
export async function deleteResource(deps: AdminDeps, indicator: string): Promise<void> {
  refuseOwnAdminApi(deps, indicator);
  const deleted = await resourceServerModel(deps.connection).deleteOne({ _id: indicator });
  if (deleted.deletedCount !== 1) throw notFound(`API ${indicator}`);
  await recordAdmin(deps, 'admin.resource.deleted', { details: { indicator } });
}
