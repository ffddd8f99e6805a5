import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/**
 * What a mailed link lets its holder do: choose a new password (reset), set the first one
 * (invite: it also proves the address), confirm the account's address (verify), or confirm a
 * new address that then replaces the old one (email-change).
 */
export type LinkPurpose = 'reset' | 'invite' | 'verify' | 'email-change';

/** A mailed single-use link waiting to be used: only the SHA-256 of its token is stored. */
export interface AccountLinkRecord {
  /** SHA-256 of the token, hex (the token is 256 random bits: a fast hash is enough) */
  _id: string;
  accountId: string;
  purpose: LinkPurpose;
  /** the address the link was mailed to: a verification confirms this one, not whatever the account has by then */
  email: string;
  /** refused after this (TTL index; the check reads it too) */
  expiresAt: Date;
}

const schema = new Schema<AccountLinkRecord>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    purpose: { type: String, required: true },
    email: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'account_links' },
);

schema.index({ accountId: 1, purpose: 1 });
schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function accountLinkModel(connection: Connection): Model<AccountLinkRecord> {
  return modelOn<AccountLinkRecord>(connection, 'AccountLink', schema);
}
