import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/** Failed sign-ins of one key (`acct:<email>` or `acct-ip:<email>|<address>`), shared by every instance. */
export interface LoginThrottleRecord {
  _id: string;
  failures: number;
  lockedUntil?: Date | null;
  /** the counter is forgotten after this (TTL index; reads check it too) */
  expiresAt: Date;
}

const schema = new Schema<LoginThrottleRecord>(
  {
    _id: { type: String, required: true },
    failures: { type: Number, default: 0 },
    lockedUntil: { type: Date },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'login_throttle' },
);

schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function loginThrottleModel(connection: Connection): Model<LoginThrottleRecord> {
  return modelOn<LoginThrottleRecord>(connection, 'LoginThrottle', schema);
}
