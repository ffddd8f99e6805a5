import { Schema, type Connection, type Model } from 'mongoose';

/**
 * A stored key. Signing keys hold a private JWK; cookie keys hold a random secret.
 * (Encryption at rest and the next/current/retired states arrive with key rotation.)
 */
export interface StoredKey {
  _id: string;
  kind: 'signing' | 'cookie';
  alg?: string;
  jwk?: Record<string, unknown>;
  secret?: string;
  createdAt: Date;
}

const keySchema = new Schema<StoredKey>({
  _id: { type: String, required: true },
  kind: { type: String, required: true, enum: ['signing', 'cookie'] },
  alg: { type: String },
  jwk: { type: Schema.Types.Mixed },
  secret: { type: String },
  createdAt: { type: Date, required: true },
}, { versionKey: false, collection: 'keys' });

keySchema.index({ kind: 1, createdAt: -1 });

export function keyModel(connection: Connection): Model<StoredKey> {
  return (connection.models.Key as Model<StoredKey> | undefined) ?? connection.model<StoredKey>('Key', keySchema);
}
