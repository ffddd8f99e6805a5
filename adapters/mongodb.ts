import { Schema, type Connection, type Model } from 'mongoose';
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';

import { type ClientChanges, clientChanges } from './client-changes.ts';

/**
 * The oidc-provider Adapter over mongoose: one collection per oidc-provider model name.
 *
 * Each method is one database round trip. `expiresAt` carries a TTL index so that a real
 * MongoDB reaps expired records, and every read checks it as well, because reaping runs late
 * (about once a minute) and the embedded development server never reaps.
 */

interface StoredRecord {
  _id: string;
  payload: AdapterPayload;
  expiresAt?: Date;
  grantId?: string;
  userCode?: string;
  uid?: string;
  consumed?: number;
}

/** Every model oidc-provider may store; indexes are created for each at start-up. */
export const OIDC_MODELS = [
  'Session',
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'ClientCredentials',
  'Client',
  'InitialAccessToken',
  'RegistrationAccessToken',
  'Interaction',
  'ReplayDetection',
  'PushedAuthorizationRequest',
  'Grant',
  'BackchannelAuthenticationRequest',
] as const;

const recordSchema = new Schema<StoredRecord>(
  {
    _id: { type: String, required: true },
    payload: { type: Schema.Types.Mixed, required: true },
    expiresAt: { type: Date },
    grantId: { type: String },
    userCode: { type: String },
    uid: { type: String },
    consumed: { type: Number },
  },
  { versionKey: false, minimize: false, strict: true },
);

recordSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
recordSchema.index({ grantId: 1 }, { sparse: true });
recordSchema.index({ uid: 1 }, { sparse: true });
recordSchema.index({ userCode: 1 }, { sparse: true });

/**
 * Lookups by a payload field the provider makes: an account's grants and sessions (sign out
 * everywhere, a reset password), a client's grants (deleting it), self-registered clients (the
 * cap and the sweep). Only these models get these indexes: every other write stays as cheap.
 */
const PAYLOAD_INDEXES: Record<string, string[]> = {
  Grant: ['payload.accountId', 'payload.clientId'],
  Session: ['payload.accountId'],
  Client: ['payload.dynamic_client'],
};

function schemaFor(name: string): Schema<StoredRecord> {
  const extra = PAYLOAD_INDEXES[name];
  if (!extra) return recordSchema;
  const schema = recordSchema.clone();
  for (const field of extra) schema.index({ [field]: 1 }, { sparse: true });
  return schema;
}

/** `oidc_AccessToken`, `oidc_Session`, ...: one collection per model name. */
export function oidcModel(connection: Connection, name: string): Model<StoredRecord> {
  const modelName = `oidc_${name}`;
  return (
    (connection.models[modelName] as Model<StoredRecord> | undefined) ??
    connection.model<StoredRecord>(modelName, schemaFor(name), modelName)
  );
}

export async function ensureAdapterIndexes(connection: Connection): Promise<void> {
  await Promise.all(OIDC_MODELS.map((name) => oidcModel(connection, name).createIndexes()));
}

/** The models whose records belong to a grant: revoking the grant deletes them. */
const GRANT_BOUND_MODELS = [
  'AccessToken',
  'RefreshToken',
  'AuthorizationCode',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
];

/** Revokes grants: every token issued from them (JWTs introspect inactive once they are gone), then the grants. */
export async function revokeGrants(connection: Connection, grantIds: string[]): Promise<void> {
  if (grantIds.length === 0) return;
  // One delete per model for all the grants, rather than one per grant and model.
  await Promise.all(
    GRANT_BOUND_MODELS.map((model) => oidcModel(connection, model).deleteMany({ grantId: { $in: grantIds } })),
  );
  await oidcModel(connection, 'Grant').deleteMany({ _id: { $in: grantIds } });
}

function isLive(record: StoredRecord | null, now: number): record is StoredRecord {
  return (
    record !== null && (record.expiresAt === undefined || record.expiresAt === null || record.expiresAt.getTime() > now)
  );
}

function toPayload(record: StoredRecord | null): AdapterPayload | undefined {
  if (!isLive(record, Date.now())) return undefined;
  return record.consumed ? { ...record.payload, consumed: record.consumed } : record.payload;
}

/**
 * The store the Client model's short in-process cache lives in (clients are read on every token
 * request and rarely change): the caller hands one in, such as provider/cache/ttl-cache.ts.
 */
interface PayloadCache {
  entry(id: string): { value: CachedClient } | undefined;
  set(id: string, value: CachedClient, ttlMs: number): void;
  delete(id: string): void;
}

/** A client's metadata (or its absence) and the generation of client changes it was read at. */
interface CachedClient {
  payload: AdapterPayload | undefined;
  generation: number;
}

interface MongoAdapterOptions {
  clientCache: PayloadCache;
  /** seconds a Client's metadata may be served from memory; 0 disables the cache */
  clientCacheTtl: number;
}

/** Entries are kept with the generation of client changes they were read at (client-changes.ts). */
class ClientCache {
  readonly #entries: PayloadCache;
  readonly #ttlMs: number;
  readonly #changes: ClientChanges;
  constructor(entries: PayloadCache, ttlSeconds: number, changes: ClientChanges) {
    this.#entries = entries;
    this.#ttlMs = ttlSeconds * 1000;
    this.#changes = changes;
  }
  get generation(): number {
    return this.#changes.generation;
  }
  get(id: string): { payload: AdapterPayload | undefined } | undefined {
    const entry = this.#entries.entry(id)?.value;
    return entry?.generation === this.#changes.generation ? entry : undefined;
  }
  set(id: string, payload: AdapterPayload | undefined, generation: number): void {
    // Read before a change finished: not worth keeping.
    if (generation === this.#changes.generation) this.#entries.set(id, { payload, generation }, this.#ttlMs);
  }
  delete(id: string): void {
    this.#entries.delete(id);
  }
}

export class MongoAdapter implements Adapter {
  readonly #connection: Connection;
  readonly #name: string;
  readonly #model: Model<StoredRecord>;
  readonly #cache: ClientCache | undefined;

  constructor(connection: Connection, name: string, cache?: ClientCache) {
    this.#connection = connection;
    this.#name = name;
    this.#model = oidcModel(connection, name);
    this.#cache = cache;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const record: StoredRecord = { _id: id, payload };
    if (expiresIn) record.expiresAt = new Date(Date.now() + expiresIn * 1000);
    if (payload.grantId) record.grantId = payload.grantId;
    if (payload.userCode) record.userCode = payload.userCode;
    if (payload.uid) record.uid = payload.uid;
    // Replace, not merge: an upsert states the whole record, including a cleared `consumed`.
    await this.#model.replaceOne({ _id: id }, record, { upsert: true });
    await this.#clientChanged(id);
  }

  /** A client write is seen here at once and by every instance within CLIENT_CHANGE_SECONDS. */
  async #clientChanged(id: string): Promise<void> {
    this.#cache?.delete(id);
    if (this.#name === 'Client') await clientChanges(this.#connection).changed();
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const cached = this.#cache?.get(id);
    if (cached) return cached.payload;
    const generation = this.#cache?.generation ?? 0;
    const payload = toPayload(await this.#model.findById(id).lean<StoredRecord>());
    this.#cache?.set(id, payload, generation);
    return payload;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return toPayload(await this.#model.findOne({ uid }).lean<StoredRecord>());
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return toPayload(await this.#model.findOne({ userCode }).lean<StoredRecord>());
  }

  /**
   * Marks a code or refresh token used, only if it was not already: oidc-provider checks
   * `consumed` on the record it read, so two concurrent redemptions could both pass that check.
   * The loser of this conditional update is a reuse like any other: the grant and everything
   * issued from it are revoked (RFC 9700 4.5.3, 4.14.2) and the request fails with invalid_grant.
   */
  async consume(id: string): Promise<void> {
    const claimed = await this.#model.updateOne(
      { _id: id, consumed: null },
      { $set: { consumed: Math.floor(Date.now() / 1000) } },
    );
    if (claimed.matchedCount === 1) return;
    const record = await this.#model.findById(id, { grantId: 1 }).lean<Pick<StoredRecord, 'grantId'>>();
    if (record?.grantId) await revokeGrants(this.#connection, [record.grantId]);
    throw new errors.InvalidGrant(`${this.#name === 'RefreshToken' ? 'refresh token' : 'grant'} already used`);
  }

  async destroy(id: string): Promise<void> {
    await this.#model.deleteOne({ _id: id });
    await this.#clientChanged(id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.#model.deleteMany({ grantId });
  }
}

/**
 * The factory oidc-provider's `adapter` option takes: it is called once per model name.
 * Only the Client model gets the in-memory cache.
 */
export function mongoAdapterFactory(connection: Connection, options: MongoAdapterOptions): (name: string) => Adapter {
  const clientCache = new ClientCache(options.clientCache, options.clientCacheTtl, clientChanges(connection));
  return (name) => new MongoAdapter(connection, name, name === 'Client' ? clientCache : undefined);
}
