import { type Connection, type Model, Schema } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/** Dynamic registrations from one address in one hour (`<address>|<hour start, ms>`). */
export interface RegistrationRateRecord {
  _id: string;
  count: number;
  expiresAt: Date;
}

const schema = new Schema<RegistrationRateRecord>(
  {
    _id: { type: String, required: true },
    count: { type: Number, default: 0 },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'registration_rate' },
);

schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function registrationRateModel(connection: Connection): Model<RegistrationRateRecord> {
  return modelOn<RegistrationRateRecord>(connection, 'RegistrationRate', schema);
}
