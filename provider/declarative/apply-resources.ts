import type { AdminDeps } from '../admin/admin-deps.ts';
import {
  deleteResource,
  findStoredResource,
  listResourceIndicators,
  type StoredResource,
  saveResource,
} from '../admin/resources.ts';
import type { ApplyOptions, Change } from './apply-declaration.ts';
import { differences } from './differences.ts';
import type { Declaration, DeclaredResource } from './declaration.ts';

/** The declared API as it would be stored: what the stored one is compared with. */
function resourceRecord(declared: DeclaredResource): StoredResource {
  return {
    _id: declared.indicator,
    name: declared.name,
    scopes: declared.scopes,
    accessTokenTtl: declared.accessTokenTtl,
    ...(declared.scopeAccess ? { scopeAccess: declared.scopeAccess } : {}),
    ...(declared.groupsClaim !== undefined ? { groupsClaim: declared.groupsClaim } : {}),
    scopeDescriptions:
      declared.scopeDescriptions &&
      Object.entries(declared.scopeDescriptions).map(([scope, text]) => ({ scope, text })),
  };
}

/** The APIs a file declares, created or brought in line (each through `saveResource`, audited as via 'config'). */
export async function applyResources(
  deps: AdminDeps,
  declaration: Declaration,
  options: ApplyOptions,
): Promise<Change[]> {
  const changes: Change[] = [];
  const write = !options.dryRun;
  for (const declared of declaration.resources) {
    const record = resourceRecord(declared);
    const stored = await findStoredResource(deps, declared.indicator);
    const fields = stored
      ? differences({ ...record, _id: undefined }, stored as unknown as Record<string, unknown>)
      : [];
    changes.push({
      kind: 'resource',
      id: declared.indicator,
      action: !stored ? 'create' : fields.length ? 'update' : 'unchanged',
      fields: fields.length ? fields : undefined,
    });
    if (write && (!stored || fields.length))
      await saveResource(deps, {
        indicator: declared.indicator,
        name: declared.name,
        scopes: declared.scopes,
        access_token_ttl: declared.accessTokenTtl,
        scope_access: declared.scopeAccess,
        groups_claim: declared.groupsClaim,
        scope_descriptions: declared.scopeDescriptions,
      });
  }
  return changes;
}

/** With `prune`: the APIs the file does not declare (nor `keepResources`) are deleted, each through `deleteResource`. */
export async function pruneResources(
  deps: AdminDeps,
  declaration: Declaration,
  options: ApplyOptions,
): Promise<Change[]> {
  const changes: Change[] = [];
  const declared = new Set([...declaration.resources.map((r) => r.indicator), ...(options.keepResources ?? [])]);
  for (const indicator of await listResourceIndicators(deps)) {
    if (declared.has(indicator)) continue;
    changes.push({ kind: 'resource', id: indicator, action: 'delete' });
    if (!options.dryRun) await deleteResource(deps, indicator);
  }
  return changes;
}
