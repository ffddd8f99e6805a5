import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/** A password reset link waiting to be used: only the SHA-256 of its token is stored. */
export interface ResetTokenRecord {
  /** SHA-256 of the token, hex (the token is 256 random bits: a fast hash is enough) */
  _id: string;
  accountId: string;
  /** refused after this (TTL index; the check reads it too) */
  expiresAt: Date;
}

const schema = new Schema<ResetTokenRecord>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'password_resets' },
);

schema.index({ accountId: 1 });
schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function resetTokenModel(connection: Connection): Model<ResetTokenRecord> {
  return modelOn<ResetTokenRecord>(connection, 'PasswordReset', schema);
}
