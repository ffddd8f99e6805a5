import { type Connection, type Model, Schema } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/** Events of one key in one fixed window (`<key>|<window start, ms>`): registrations, reset requests. */
interface RateWindowRecord {
  _id: string;
  count: number;
  expiresAt: Date;
}

const schema = new Schema<RateWindowRecord>(
  {
    _id: { type: String, required: true },
    count: { type: Number, default: 0 },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'rate_windows' },
);

schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function rateWindowModel(connection: Connection): Model<RateWindowRecord> {
  return modelOn<RateWindowRecord>(connection, 'RateWindow', schema);
}
