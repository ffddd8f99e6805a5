import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/** A back-channel logout token owed to a client (OpenID Connect Back-Channel Logout 1.0). */
export interface LogoutDeliveryRecord {
  _id: string;
  clientId: string;
  /** the account signed out */
  sub: string;
  /** the session id the client knows (its ID tokens carry it), when there is one */
  sid?: string | null;
  status: 'pending' | 'sending' | 'done' | 'failed';
  attempts: number;
  nextTryAt: Date;
  lockedUntil?: Date | null;
  lastError?: string | null;
  createdAt: Date;
  /** finished records are forgotten after this (TTL index) */
  expiresAt?: Date | null;
}

const schema = new Schema<LogoutDeliveryRecord>(
  {
    _id: { type: String, required: true },
    clientId: { type: String, required: true },
    sub: { type: String, required: true },
    sid: { type: String },
    status: { type: String, required: true },
    attempts: { type: Number, default: 0 },
    nextTryAt: { type: Date, required: true },
    lockedUntil: { type: Date },
    lastError: { type: String },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date },
  },
  { versionKey: false, collection: 'logout_deliveries' },
);

schema.index({ status: 1, nextTryAt: 1 });
schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function logoutDeliveryModel(connection: Connection): Model<LogoutDeliveryRecord> {
  return modelOn<LogoutDeliveryRecord>(connection, 'LogoutDelivery', schema);
}
