import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/** A change to one administered resource in progress, on any instance: its If-Match check and write run alone. */
interface ChangeLockRecord {
  /** which resource: the route and its parameters */
  _id: string;
  /** a crashed holder's lock lapses then (TTL index; the taker checks it too) */
  expiresAt: Date;
  /** who took it: a holder releases only its own lock, not the one taken after its own lapsed */
  owner?: string;
}

const schema = new Schema<ChangeLockRecord>(
  { _id: { type: String, required: true }, expiresAt: { type: Date, required: true }, owner: { type: String } },
  { versionKey: false, collection: 'admin_change_locks' },
);

schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function changeLockModel(connection: Connection): Model<ChangeLockRecord> {
  return modelOn<ChangeLockRecord>(connection, 'AdminChangeLock', schema);
}
