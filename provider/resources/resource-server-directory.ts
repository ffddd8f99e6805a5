import type { Connection } from 'mongoose';

import { TtlCache } from '../cache/ttl-cache.ts';
import { resourceServerModel, type ResourceServerRecord } from './resource-server-model.ts';
import { displayNameProblem } from '../security/display-name.ts';

/**
 * Looks resource servers up by indicator, keeping each answer (found or not) in memory for
 * `cacheTtl` seconds (at most 10,000 of them): they are read on every token request and change rarely.
 */
export class ResourceServerDirectory {
  readonly #connection: Connection;
  readonly #ttlMs: number;
  readonly #cache = new TtlCache<ResourceServerRecord | undefined>();

  constructor(connection: Connection, cacheTtl: number) {
    this.#connection = connection;
    this.#ttlMs = cacheTtl * 1000;
  }

  async find(indicator: string): Promise<ResourceServerRecord | undefined> {
    const cached = this.#cache.entry(indicator);
    if (cached) return cached.value;
    const record =
      (await resourceServerModel(this.#connection).findById(indicator).lean<ResourceServerRecord>()) ?? undefined;
    this.#cache.set(indicator, record, this.#ttlMs);
    return record;
  }
}

/** What a scope of an API is called on the consent screen; the scope itself when undescribed. */
export function scopeDescription(
  server: Pick<ResourceServerRecord, 'scopeDescriptions'> | undefined,
  scope: string,
): string | undefined {
  return server?.scopeDescriptions?.find((entry) => entry.scope === scope)?.text;
}

/**
 * Sets (or, with an empty text, removes) what one scope of an API is called on the consent
 * screen. False when the API does not have that scope. (Admin-only: read, change, write back.)
 */
export async function describeScope(
  connection: Connection,
  indicator: string,
  scope: string,
  description: string,
): Promise<boolean> {
  refuseDisplayName('a scope description', description);
  const Model = resourceServerModel(connection);
  const server = await Model.findOne(
    { _id: indicator, scopes: scope },
    { scopeDescriptions: 1 },
  ).lean<ResourceServerRecord>();
  if (!server) return false;
  const others = (server.scopeDescriptions ?? []).filter((entry) => entry.scope !== scope);
  const text = description.trim();
  await Model.updateOne(
    { _id: indicator },
    { $set: { scopeDescriptions: text ? [...others, { scope, text }] : others } },
  );
  return true;
}

/** Names shown on consent are checked here, where every door (API, console, file, CLI) writes them. */
function refuseDisplayName(what: string, text: string): void {
  const problem = displayNameProblem(text);
  if (problem) throw new TypeError(`${what} ${problem}`);
}

export async function saveResourceServer(
  connection: Connection,
  input: Omit<ResourceServerRecord, 'createdAt'>,
): Promise<void> {
  const indicator = URL.parse(input._id);
  // RFC 8707 2: an absolute URI without a fragment.
  if (!indicator || indicator.hash) throw new TypeError('a resource indicator is an absolute URI without a fragment');
  refuseDisplayName('an API name', input.name);
  for (const entry of input.scopeDescriptions ?? []) refuseDisplayName('a scope description', entry.text);
  await resourceServerModel(connection).updateOne(
    { _id: input._id },
    {
      $set: {
        name: input.name,
        scopes: input.scopes,
        accessTokenTtl: input.accessTokenTtl,
        ...(input.scopeDescriptions ? { scopeDescriptions: input.scopeDescriptions } : {}),
        ...(input.scopeAccess ? { scopeAccess: input.scopeAccess } : {}),
        ...(input.groupsClaim !== undefined ? { groupsClaim: input.groupsClaim } : {}),
      },
      $setOnInsert: { createdAt: new Date() },
    },
    { upsert: true },
  );
}

/**
 * How an API's scopes are handed out (open: as each client allows; roles: only what the caller's
 * roles grant) and whether its tokens carry `groups`. False when there is no such API.
 */
export async function setResourceAccess(
  connection: Connection,
  indicator: string,
  settings: Partial<Pick<ResourceServerRecord, 'scopeAccess' | 'groupsClaim'>>,
): Promise<boolean> {
  const result = await resourceServerModel(connection).updateOne({ _id: indicator }, { $set: settings });
  return result.matchedCount === 1;
}

/** Whether tokens for this API depend on who holds which roles or groups (else no access lookup is made). */
export function usesAccess(server: Pick<ResourceServerRecord, 'scopeAccess' | 'groupsClaim' | 'roles'>): boolean {
  return server.scopeAccess === 'roles' || server.groupsClaim === true || (server.roles?.length ?? 0) > 0;
}
