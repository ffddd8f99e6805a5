import { describeScope, saveResourceServer, setResourceAccess } from '../resources/resource-server-directory.ts';
import { resourceServerModel, type ResourceServerRecord } from '../resources/resource-server-model.ts';
import { adminApiIndicator } from './admin-api-resource.ts';
import { type AdminDeps, invalid, notFound, recordAdmin } from './admin-deps.ts';
import { resourceLockKey, withChangeLock } from './change-lock.ts';
import { parseAdminInput } from './parse-admin-input.ts';
import {
  type ResourceAccess,
  type ResourceSave,
  type ResourceScopes,
  type ScopeDescription,
  resourceAccessSchema,
  resourceSaveSchema,
  resourceScopesSchema,
  scopeDescriptionSchema,
} from './resource-schemas.ts';

/** An API as administrators see it. */
export interface ResourceView {
  indicator: string;
  name: string;
  scopes: string[];
  access_token_ttl?: number;
  scope_access: 'open' | 'roles';
  roles: string[];
}

/** An API as it is stored: what a configuration file's declaration is compared with. */
export type StoredResource = Omit<ResourceServerRecord, 'createdAt'>;

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

/** The stored API, every field (undefined when there is none): for a declaration's diff. */
export async function findStoredResource(
  deps: Pick<AdminDeps, 'connection'>,
  indicator: string,
): Promise<StoredResource | undefined> {
  const found = await resourceServerModel(deps.connection).findById(indicator).lean<ResourceServerRecord>();
  if (!found) return undefined;
  const { createdAt: _created, ...stored } = found;
  return stored;
}

/** Every API's indicator, in order. */
export async function listResourceIndicators(deps: Pick<AdminDeps, 'connection'>): Promise<string[]> {
  const all = await resourceServerModel(deps.connection)
    .find({}, { _id: 1 })
    .sort({ _id: 1 })
    .lean<{ _id: string }[]>();
  return all.map((r) => r._id);
}

/** The provider's own admin API is set up at every start; opening its scopes would hand out administration. */
function refuseOwnAdminApi(deps: AdminDeps, indicator: string): void {
  if (indicator === adminApiIndicator(deps.issuer))
    throw invalid('this is the provider’s own admin API: it is managed at start-up, not here');
}

/**
 * Runs one change of an API: not the admin API, alone (the admin API's If-Match lock, taken
 * once), the storage's own refusals (an indicator with a fragment, a forbidden name) answered as such.
 */
async function changeResource<T>(deps: AdminDeps, indicator: string, work: () => Promise<T>): Promise<T> {
  refuseOwnAdminApi(deps, indicator);
  return withChangeLock(deps.connection, resourceLockKey('/resources/{indicator}', { indicator }), async () => {
    try {
      return await work();
    } catch (err) {
      if (err instanceof TypeError) throw invalid(err.message);
      throw err;
    }
  });
}

/** Adds an API or replaces its name, scopes and lifetime (and, when given, how its scopes are handed out). */
export async function saveResource(deps: AdminDeps, input: ResourceSave): Promise<ResourceView> {
  const save = parseAdminInput(resourceSaveSchema, input);
  await changeResource(deps, save.indicator, () =>
    saveResourceServer(deps.connection, {
      _id: save.indicator,
      name: save.name,
      scopes: save.scopes,
      accessTokenTtl: save.access_token_ttl,
      ...(save.scope_access ? { scopeAccess: save.scope_access } : {}),
      ...(save.groups_claim !== undefined ? { groupsClaim: save.groups_claim } : {}),
      ...(save.scope_descriptions
        ? { scopeDescriptions: Object.entries(save.scope_descriptions).map(([scope, text]) => ({ scope, text })) }
        : {}),
    }),
  );
  await recordAdmin(deps, 'admin.resource.saved', { details: { indicator: save.indicator } });
  return getResource(deps, save.indicator);
}

/** Deletes an API (tokens already issued for it stay valid until they expire). */
export async function deleteResource(deps: AdminDeps, indicator: string): Promise<void> {
  await changeResource(deps, indicator, async () => {
    const deleted = await resourceServerModel(deps.connection).deleteOne({ _id: indicator });
    if (deleted.deletedCount !== 1) throw notFound(`API ${indicator}`);
  });
  await recordAdmin(deps, 'admin.resource.deleted', { details: { indicator } });
}

/** How an API's scopes are handed out (open or roles) and whether its tokens carry the caller's groups. */
export async function setResourceAccessMode(deps: AdminDeps, input: ResourceAccess): Promise<void> {
  const access = parseAdminInput(resourceAccessSchema, input);
  const settings = {
    ...(access.scope_access ? { scopeAccess: access.scope_access } : {}),
    ...(access.groups_claim !== undefined ? { groupsClaim: access.groups_claim } : {}),
  };
  await changeResource(deps, access.indicator, async () => {
    if (!(await setResourceAccess(deps.connection, access.indicator, settings)))
      throw notFound(`API ${access.indicator}`);
  });
  await recordAdmin(deps, 'admin.resource.access_set', { details: { indicator: access.indicator, ...settings } });
}

/** What one scope of an API is called on the consent screen (empty text: the scope itself again). */
export async function describeResourceScope(deps: AdminDeps, input: ScopeDescription): Promise<void> {
  const { indicator, scope, text } = parseAdminInput(scopeDescriptionSchema, input);
  await changeResource(deps, indicator, async () => {
    if (!(await describeScope(deps.connection, indicator, scope, text)))
      throw notFound(`scope ${scope} on API ${indicator}`);
  });
  await recordAdmin(deps, 'admin.resource.scope_described', { details: { indicator, scope, text } });
}

/** Replaces the scopes an API understands. */
export async function replaceResourceScopes(deps: AdminDeps, input: ResourceScopes): Promise<void> {
  const { indicator, scopes } = parseAdminInput(resourceScopesSchema, input);
  await changeResource(deps, indicator, async () => {
    const result = await resourceServerModel(deps.connection).updateOne({ _id: indicator }, { $set: { scopes } });
    if (result.matchedCount === 0) throw notFound(`API ${indicator}`);
  });
  await recordAdmin(deps, 'admin.resource.scopes', { details: { indicator, scopes } });
}
