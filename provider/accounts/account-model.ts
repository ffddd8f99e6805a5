import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

export interface AccountRecord {
  _id: string;
  /** normalised: trimmed, NFKC, lower case */
  email: string;
  emailVerified: boolean;
  /** self-registered: no sign-in until the address is confirmed */
  mustVerifyEmail?: boolean;
  name?: string;
  givenName?: string;
  familyName?: string;
  /** argon2id PHC string */
  passwordHash: string;
  disabled: boolean;
  /** passkey-only: the password is never accepted (set by an operator, once a passkey exists) */
  passwordDisabled?: boolean;
  /** a passkey change of this account is in progress until then (passkeys/passkey-change.ts) */
  passkeyChangeUntil?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const accountSchema = new Schema<AccountRecord>(
  {
    _id: { type: String, required: true },
    email: { type: String, required: true },
    emailVerified: { type: Boolean, default: false },
    mustVerifyEmail: { type: Boolean, default: false },
    name: { type: String },
    givenName: { type: String },
    familyName: { type: String },
    passwordHash: { type: String, required: true },
    disabled: { type: Boolean, default: false },
    passwordDisabled: { type: Boolean, default: false },
    passkeyChangeUntil: { type: Date },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'accounts' },
);

accountSchema.index({ email: 1 }, { unique: true });

export function accountModel(connection: Connection): Model<AccountRecord> {
  return modelOn<AccountRecord>(connection, 'Account', accountSchema);
}
