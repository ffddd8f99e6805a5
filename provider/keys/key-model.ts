import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

export type KeyState = 'next' | 'current' | 'retired';

/**
 * A stored key. The private part (a private JWK, or a cookie secret) is sealed under
 * KEY_ENCRYPTION_KEY (security/secret-box.ts, bound to the key's _id); only the public JWK of a
 * signing key is kept in clear.
 *
 * States: `next` is published in JWKS but does not sign yet; `current` signs; `retired` is still
 * published (and, for cookies, still verifies) until `retiredAt` + the retention, then deleted.
 */
export interface StoredKey {
  _id: string;
  kind: 'signing' | 'cookie';
  alg?: string;
  state: KeyState;
  publicJwk?: Record<string, unknown>;
  sealed: string;
  createdAt: Date;
  activatedAt?: Date | null;
  retiredAt?: Date | null;
}

const keySchema = new Schema<StoredKey>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true, enum: ['signing', 'cookie'] },
    alg: { type: String },
    state: { type: String, required: true, enum: ['next', 'current', 'retired'] },
    publicJwk: { type: Schema.Types.Mixed },
    sealed: { type: String, required: true },
    createdAt: { type: Date, required: true },
    activatedAt: { type: Date },
    retiredAt: { type: Date },
  },
  { versionKey: false, collection: 'keys' },
);

keySchema.index({ kind: 1, state: 1 });
// Loading and sweeping by state alone (every key that is current, every retired one).
keySchema.index({ state: 1 });

/** One document, `_id: 'keyset'`: its `version` moves on every change, and instances poll it. */
export interface KeysetVersion {
  _id: string;
  version: number;
  changedAt: Date;
  /** set while a rotation runs (one at a time); expires if its instance dies */
  leaseUntil?: Date | null;
}

const versionSchema = new Schema<KeysetVersion>(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    changedAt: { type: Date, required: true },
    leaseUntil: { type: Date },
  },
  { versionKey: false, collection: 'key_versions' },
);

export function keyModel(connection: Connection): Model<StoredKey> {
  return modelOn<StoredKey>(connection, 'Key', keySchema);
}

export function keysetVersionModel(connection: Connection): Model<KeysetVersion> {
  return modelOn<KeysetVersion>(connection, 'KeysetVersion', versionSchema);
}
