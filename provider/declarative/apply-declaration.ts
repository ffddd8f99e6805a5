import type { PasswordHashingConfig } from '../config.ts';
import type { AdminDeps } from '../admin/admin-deps.ts';
import { applyAccess } from './apply-access.ts';
import { applyClients, pruneClients, refuseUnknownResources } from './apply-clients.ts';
import { applyResources, pruneResources } from './apply-resources.ts';
import { applyUsers } from './apply-users.ts';
import type { Declaration } from './declaration.ts';
import type { ResolveSecret } from './secret-reference.ts';

export interface Change {
  kind: 'resource' | 'client' | 'user' | 'role' | 'group' | 'member' | 'assignment';
  id: string;
  action: 'create' | 'update' | 'delete' | 'unchanged';
  /** what differs, for an update */
  fields?: string[];
}

export interface ApplyOptions {
  resolveSecret: ResolveSecret;
  /** compute the changes, make none */
  dryRun?: boolean;
  /** delete resources and clients the file does not declare (users are never pruned) */
  prune?: boolean;
  /** clients that are never pruned (the account pages' and the console's own) */
  keepClients?: string[];
  /** resources that are never pruned (the admin API) */
  keepResources?: string[];
  /** PASSWORD_MIN_LENGTH, for declared users */
  passwordMinLength?: number;
  /** PASSWORD_HASH_*, for declared users' passwords */
  passwordHashing?: PasswordHashingConfig;
}

export interface ApplyResult {
  changes: Change[];
  /** secrets and passwords made here (`generated`), shown once */
  generated: { kind: 'client' | 'user'; id: string; secret: string }[];
}

/**
 * Applies a configuration file's declaration, idempotently: what it declares is created, or
 * updated where the stored copy drifted (declared fields win; undeclared fields are left alone),
 * and nothing else changes unless `prune` deletes undeclared resources and clients. Users are
 * created with their first password and never changed afterwards. With `dryRun` only the
 * changes are computed. `deps.actor` says who applies it (`via: 'config'`).
 */
export async function applyDeclaration(
  deps: AdminDeps,
  declaration: Declaration,
  options: ApplyOptions,
): Promise<ApplyResult> {
  const generated: ApplyResult['generated'] = [];
  await refuseUnknownResources(deps, declaration);
  const changes = [
    ...(await applyResources(deps, declaration, options)),
    ...(await applyClients(deps, declaration, options, generated)),
    ...(await applyUsers(deps, declaration, options, generated)),
    ...(await applyAccess(deps, declaration, !options.dryRun)),
  ];
  if (options.prune)
    changes.push(
      ...(await pruneResources(deps, declaration, options)),
      ...(await pruneClients(deps, declaration, options)),
    );
  return { changes, generated };
}

/** The changes as lines a person reads: + create, ~ update (fields), - delete; unchanged left out. */
export function describeChanges(changes: Change[]): string[] {
  const mark = { create: '+', update: '~', delete: '-', unchanged: '=' } as const;
  return changes
    .filter((change) => change.action !== 'unchanged')
    .map(
      (change) =>
        `${mark[change.action]} ${change.kind} ${change.id}${change.fields ? ` (${change.fields.join(', ')})` : ''}`,
    );
}
