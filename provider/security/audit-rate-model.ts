import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/** Failure events of one source (client address) in one minute: the audit log's flood guard. */
export interface AuditRateRecord {
  /** `<source>|<window start, ms>` */
  _id: string;
  source: string;
  window: Date;
  count: number;
  /** the summary record for the events over the limit has been appended */
  summarized?: boolean;
  expiresAt: Date;
}

const schema = new Schema<AuditRateRecord>(
  {
    _id: { type: String, required: true },
    source: { type: String, required: true },
    window: { type: Date, required: true },
    count: { type: Number, default: 0 },
    summarized: { type: Boolean },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'audit_rate' },
);

schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
schema.index({ window: 1 });

export function auditRateModel(connection: Connection): Model<AuditRateRecord> {
  return modelOn<AuditRateRecord>(connection, 'AuditRate', schema);
}
