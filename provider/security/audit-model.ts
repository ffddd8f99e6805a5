import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/** One security event. `_id` is its position in the chain (1, 2, 3...). */
export interface AuditRecord {
  _id: number;
  at: Date;
  event: string;
  outcome: 'success' | 'failure';
  account?: string;
  client?: string;
  ip?: string;
  requestId?: string;
  details?: Record<string, unknown>;
  /** hash of the record before this one ('' for the first) */
  prevHash: string;
  /** true: `hash` is keyed (HMAC); absent on records written before keyed hashing */
  keyed?: boolean;
  /** HMAC-SHA256 over prevHash and this record's content (security/audit-hash.ts) */
  hash: string;
}

const auditSchema = new Schema<AuditRecord>(
  {
    _id: { type: Number, required: true },
    at: { type: Date, required: true },
    event: { type: String, required: true },
    outcome: { type: String, required: true, enum: ['success', 'failure'] },
    account: { type: String },
    client: { type: String },
    ip: { type: String },
    requestId: { type: String },
    details: { type: Schema.Types.Mixed },
    prevHash: { type: String, default: '' },
    keyed: { type: Boolean },
    hash: { type: String, required: true },
  },
  { versionKey: false, collection: 'audit', minimize: false },
);

auditSchema.index({ event: 1, at: -1 });
auditSchema.index({ account: 1, at: -1 }, { sparse: true });
// The admin API's and console's filters: by client, and by who made a change.
auditSchema.index({ client: 1, at: -1 }, { sparse: true });
auditSchema.index({ 'details.by.sub': 1, at: -1 }, { sparse: true });

export function auditModel(connection: Connection): Model<AuditRecord> {
  return modelOn<AuditRecord>(connection, 'Audit', auditSchema);
}
