import type { Connection } from 'mongoose';

import { clientChanges } from '../../adapters/client-changes.ts';
import { oidcModel, revokeGrants } from '../../adapters/mongodb.ts';
import { dynamicClientUseModel } from './dynamic-client-use-model.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Self-registered clients come and go with the agents that made them: each records when it last
 * got a token (at most one write a day per client), and one unused for `unusedDays` is deleted
 * with its grants. A client that never got a token counts from its registration.
 */
export class DynamicClientLifetime {
  readonly #connection: Connection;
  readonly #unusedMs: number;
  /** when this process last recorded each client's use: no write more than once a day */
  readonly #recorded = new Map<string, number>();

  constructor(connection: Connection, unusedDays: number) {
    this.#connection = connection;
    this.#unusedMs = unusedDays * DAY_MS;
  }

  /** Notes a token issued to a dynamic client. */
  async used(clientId: string, now = Date.now()): Promise<void> {
    const last = this.#recorded.get(clientId);
    if (last !== undefined && now - last < DAY_MS) return;
    this.#recorded.set(clientId, now);
    if (this.#recorded.size > 10_000) this.#recorded.delete(this.#recorded.keys().next().value!);
    await dynamicClientUseModel(this.#connection).updateOne(
      { _id: clientId },
      { $set: { lastUsedAt: new Date(now), expiresAt: new Date(now + 2 * this.#unusedMs) } },
      { upsert: true },
    );
  }

  /** Deletes the dynamic clients unused for too long; returns their ids. */
  async sweep(now = Date.now()): Promise<string[]> {
    const Clients = oidcModel(this.#connection, 'Client');
    const cutoff = now - this.#unusedMs;
    const dynamic = await Clients.find({ 'payload.dynamic_client': true }, { 'payload.client_id_issued_at': 1 }).lean<
      { _id: string; payload: { client_id_issued_at?: number } }[]
    >();
    const Uses = dynamicClientUseModel(this.#connection);
    const uses = await Uses.find({ _id: { $in: dynamic.map((client) => client._id) } }).lean();
    const lastUsed = new Map(uses.map((use) => [use._id, use.lastUsedAt.getTime()]));
    const stale = dynamic
      .filter((client) => (lastUsed.get(client._id) ?? (client.payload.client_id_issued_at ?? 0) * 1000) < cutoff)
      .map((client) => client._id);
    if (stale.length === 0) return [];
    const grants = await oidcModel(this.#connection, 'Grant')
      .find({ 'payload.clientId': { $in: stale } }, { _id: 1 })
      .lean<{ _id: string }[]>();
    await revokeGrants(
      this.#connection,
      grants.map((grant) => grant._id),
    );
    await Clients.deleteMany({ _id: { $in: stale }, 'payload.dynamic_client': true });
    // Written past the adapter: every instance's client cache must hear of it.
    await clientChanges(this.#connection).changed();
    await Uses.deleteMany({ _id: { $in: stale } });
    return stale;
  }
}
