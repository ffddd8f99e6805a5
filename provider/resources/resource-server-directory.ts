import type { Connection } from 'mongoose';

import { TtlCache } from '../cache/ttl-cache.ts';
import { resourceServerModel, type ResourceServerRecord } from './resource-server-model.ts';

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

export async function saveResourceServer(
  connection: Connection,
  input: Omit<ResourceServerRecord, 'createdAt'>,
): Promise<void> {
  const indicator = URL.parse(input._id);
  // RFC 8707 2: an absolute URI without a fragment.
  if (!indicator || indicator.hash) throw new TypeError('a resource indicator is an absolute URI without a fragment');
  await resourceServerModel(connection).updateOne(
    { _id: input._id },
    {
      $set: { name: input.name, scopes: input.scopes, accessTokenTtl: input.accessTokenTtl },
      $setOnInsert: { createdAt: new Date() },
    },
    { upsert: true },
  );
}
