import type { AdminDeps } from '../admin/admin-deps.ts';
import { saveResourceServer } from '../resources/resource-server-directory.ts';
import { resourceServerModel, type ResourceServerRecord } from '../resources/resource-server-model.ts';
import type { ApplyOptions, Change } from './apply-declaration.ts';
import { differences } from './differences.ts';
import type { Declaration, DeclaredResource } from './declaration.ts';

function resourceRecord(declared: DeclaredResource): Omit<ResourceServerRecord, 'createdAt'> {
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

/** The APIs a file declares, created or brought in line; with `prune`, the undeclared ones deleted. */
export async function applyResources(
  deps: AdminDeps,
  declaration: Declaration,
  options: ApplyOptions,
): Promise<Change[]> {
  const changes: Change[] = [];
  const write = !options.dryRun;
  const Resources = resourceServerModel(deps.connection);
  for (const declared of declaration.resources) {
    const record = resourceRecord(declared);
    const stored = await Resources.findById(declared.indicator).lean<ResourceServerRecord>();
    const fields = stored
      ? differences({ ...record, _id: undefined }, stored as unknown as Record<string, unknown>)
      : [];
    changes.push({
      kind: 'resource',
      id: declared.indicator,
      action: !stored ? 'create' : fields.length ? 'update' : 'unchanged',
      fields: fields.length ? fields : undefined,
    });
    if (write && (!stored || fields.length)) await saveResourceServer(deps.connection, record);
  }
  return changes;
}

/** With `prune`: the APIs the file does not declare (nor `keepResources`) are deleted. */
export async function pruneResources(
  deps: AdminDeps,
  declaration: Declaration,
  options: ApplyOptions,
): Promise<Change[]> {
  const changes: Change[] = [];
  const Resources = resourceServerModel(deps.connection);
  const declared = new Set([...declaration.resources.map((r) => r.indicator), ...(options.keepResources ?? [])]);
  for (const { _id } of await Resources.find({}, { _id: 1 }).lean<{ _id: string }[]>()) {
    if (declared.has(_id)) continue;
    changes.push({ kind: 'resource', id: _id, action: 'delete' });
    if (!options.dryRun) await Resources.deleteOne({ _id });
  }
  return changes;
}
