import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';
import { DELIVERY_STATE_FIELDS, type DeliveryState, indexDeliveryState } from '../queue/delivery-state.ts';

/** A back-channel logout token owed to a client (OpenID Connect Back-Channel Logout 1.0). */
export interface LogoutDeliveryRecord extends DeliveryState<'pending' | 'sending' | 'done' | 'failed'> {
  _id: string;
  clientId: string;
  /** the account signed out */
  sub: string;
  /** the session id the client knows (its ID tokens carry it), when there is one */
  sid?: string | null;
}

const schema = new Schema<LogoutDeliveryRecord>(
  {
    _id: { type: String, required: true },
    clientId: { type: String, required: true },
    sub: { type: String, required: true },
    sid: { type: String },
    ...DELIVERY_STATE_FIELDS,
  },
  { versionKey: false, collection: 'logout_deliveries' },
);

indexDeliveryState(schema);

export function logoutDeliveryModel(connection: Connection): Model<LogoutDeliveryRecord> {
  return modelOn<LogoutDeliveryRecord>(connection, 'LogoutDelivery', schema);
}
