import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/** A browser an account has signed in from: `<account id>|<SHA-256 of the device cookie>`. */
interface KnownDeviceRecord {
  _id: string;
  accountId: string;
  lastSeen: Date;
  /** forgotten a year after its last sign-in (TTL index) */
  expiresAt: Date;
}

const schema = new Schema<KnownDeviceRecord>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    lastSeen: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'known_devices' },
);

schema.index({ accountId: 1 });
schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function knownDeviceModel(connection: Connection): Model<KnownDeviceRecord> {
  return modelOn<KnownDeviceRecord>(connection, 'KnownDevice', schema);
}
