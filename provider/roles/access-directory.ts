import type { Connection } from 'mongoose';

import { TtlCache } from '../cache/ttl-cache.ts';
import { type Access, NO_ACCESS } from './access-rules.ts';
import { principalAccessModel, type PrincipalAccessRecord } from './principal-access-model.ts';

/** The principal ids the directory is asked about, for callers outside roles/. */
export { clientPrincipal, userPrincipal } from './principal-access-model.ts';

/**
 * What a user or service may do, read from its worked-out record (one read) and kept in memory
 * like clients (CLIENT_CACHE_TTL seconds): a role change reaches tokens within that time, and a
 * token already issued keeps what it says until it expires.
 */
export class AccessDirectory {
  readonly #connection: Connection;
  readonly #ttlMs: number;
  readonly #cache = new TtlCache<Access>();

  constructor(connection: Connection, cacheTtl: number) {
    this.#connection = connection;
    this.#ttlMs = cacheTtl * 1000;
  }

  /** The stored record itself, past the cache (the console's door: a revoked admin is out at once). */
  async fresh(principal: string): Promise<Access> {
    this.#cache.delete(principal);
    return this.of(principal);
  }

  /** `principal`: `user:<accountId>` or `client:<clientId>` (principal-access-model.ts). */
  async of(principal: string): Promise<Access> {
    const cached = this.#cache.get(principal);
    if (cached) return cached;
    const record = await principalAccessModel(this.#connection)
      .findById(principal, { groups: 1, roles: 1 })
      .lean<PrincipalAccessRecord>();
    const access = record ? { groups: record.groups, roles: record.roles } : NO_ACCESS;
    this.#cache.set(principal, access, this.#ttlMs);
    return access;
  }
}
