import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';
import { DELIVERY_STATE_FIELDS, type DeliveryState, indexDeliveryState } from '../queue/delivery-state.ts';

/**
 * pending: waiting for its (next) try; sending: claimed by one instance (until lockedUntil, in
 * case it dies mid-send); sent / failed: done (bodies dropped); logged: development, never sent.
 */
type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'logged';

/** One mail in the outbox: kept until it is sent, so an SMTP outage does not lose it. */
export interface OutboxRecord extends DeliveryState<OutboxStatus> {
  _id: string;
  /** which template: password-reset, password-changed, … (metrics and the development page) */
  kind: string;
  to: string;
  subject: string;
  /** the bodies; they may hold a one-time link, so they are dropped once the mail is out */
  text?: string | null;
  html?: string | null;
  sentAt?: Date | null;
}

const schema = new Schema<OutboxRecord>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    to: { type: String, required: true },
    subject: { type: String, required: true },
    text: { type: String },
    html: { type: String },
    ...DELIVERY_STATE_FIELDS,
    sentAt: { type: Date },
  },
  { versionKey: false, collection: 'mail_outbox' },
);

indexDeliveryState(schema);

export function outboxModel(connection: Connection): Model<OutboxRecord> {
  return modelOn<OutboxRecord>(connection, 'MailOutbox', schema);
}
