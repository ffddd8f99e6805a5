import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/**
 * A mailed code that proves the account's email before its first second factor is set up
 * (enrollment-email-proof.ts): one document per account, `_id` = account id.
 */
export interface EmailProofRecord {
  _id: string;
  /** what the code was sent for: `interaction:<uid>` (a sign-in) or `session:<id>` (the account page) */
  subject: string;
  /** keyed hash of the current code; null once used */
  codeHash: string | null;
  codeExpiresAt: Date | null;
  /** wrong codes entered against the current code */
  attempts: number;
  /** codes sent since windowStart (a resend makes a new code: bounded, or guessing is unbounded) */
  sends: number;
  windowStart: Date;
  /** the subject whose code was entered, and until when it may enroll */
  provenSubject: string | null;
  provenUntil: Date | null;
  /** the record is reaped after this (TTL index; every read checks its own times) */
  expiresAt: Date;
}

const schema = new Schema<EmailProofRecord>(
  {
    _id: { type: String, required: true },
    subject: { type: String, required: true },
    codeHash: { type: String },
    codeExpiresAt: { type: Date },
    attempts: { type: Number, default: 0 },
    sends: { type: Number, default: 0 },
    windowStart: { type: Date, required: true },
    provenSubject: { type: String },
    provenUntil: { type: Date },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'mfa_email_proofs' },
);

schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function emailProofModel(connection: Connection): Model<EmailProofRecord> {
  return modelOn<EmailProofRecord>(connection, 'MfaEmailProof', schema);
}
