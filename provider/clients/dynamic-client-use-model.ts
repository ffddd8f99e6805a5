import { type Connection, type Model, Schema } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/**
 * When a self-registered client last got a token (`_id` = client ID). Kept apart from the
 * client's own record, which oidc-provider replaces whole on every RFC 7592 update.
 */
interface DynamicClientUseRecord {
  _id: string;
  lastUsedAt: Date;
  /** removes the record of a client deleted some other way; far past any sweep's cutoff */
  expiresAt: Date;
}

const schema = new Schema<DynamicClientUseRecord>(
  {
    _id: { type: String, required: true },
    lastUsedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'dynamic_client_uses' },
);
schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function dynamicClientUseModel(connection: Connection): Model<DynamicClientUseRecord> {
  return modelOn<DynamicClientUseRecord>(connection, 'DynamicClientUse', schema);
}
