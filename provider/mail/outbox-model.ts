import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/**
 * pending: waiting for its (next) try; sending: claimed by one instance (until lockedUntil, in
 * case it dies mid-send); sent / failed: done (bodies dropped); logged: development, never sent.
 */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'logged';

/** One mail in the outbox: kept until it is sent, so an SMTP outage does not lose it. */
export interface OutboxRecord {
  _id: string;
  /** which template: password-reset, password-changed, … (metrics and the development page) */
  kind: string;
  to: string;
  subject: string;
  /** the bodies; they may hold a one-time link, so they are dropped once the mail is out */
  text?: string | null;
  html?: string | null;
  status: OutboxStatus;
  attempts: number;
  nextTryAt: Date;
  lockedUntil?: Date | null;
  /** the last SMTP error's code and message (never the server URL or credentials) */
  lastError?: string | null;
  createdAt: Date;
  sentAt?: Date | null;
  /** finished records are forgotten after this (TTL index) */
  expiresAt?: Date | null;
}

const schema = new Schema<OutboxRecord>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    to: { type: String, required: true },
    subject: { type: String, required: true },
    text: { type: String },
    html: { type: String },
    status: { type: String, required: true },
    attempts: { type: Number, default: 0 },
    nextTryAt: { type: Date, required: true },
    lockedUntil: { type: Date },
    lastError: { type: String },
    createdAt: { type: Date, required: true },
    sentAt: { type: Date },
    expiresAt: { type: Date },
  },
  { versionKey: false, collection: 'mail_outbox' },
);

schema.index({ status: 1, nextTryAt: 1 });
schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function outboxModel(connection: Connection): Model<OutboxRecord> {
  return modelOn<OutboxRecord>(connection, 'MailOutbox', schema);
}
