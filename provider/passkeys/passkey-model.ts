import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/** A passkey (WebAuthn credential) of an account. The public key is not secret; nothing here is. */
export interface PasskeyRecord {
  /** the credential ID, base64url: unique across all accounts */
  _id: string;
  accountId: string;
  /** COSE public key, base64url */
  publicKey: string;
  /** the authenticator's signature counter at the last use (0: it keeps none) */
  counter: number;
  transports: string[];
  /** singleDevice: bound to one authenticator (hwk); multiDevice: synced between devices (swk) */
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  /** the authenticator model, as it reported it ('00000000-…' when it says nothing) */
  aaguid: string;
  /** the user's own label */
  name: string;
  createdAt: Date;
  lastUsedAt?: Date | null;
}

const schema = new Schema<PasskeyRecord>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    publicKey: { type: String, required: true },
    counter: { type: Number, default: 0 },
    transports: { type: [String], default: [] },
    deviceType: { type: String, required: true },
    backedUp: { type: Boolean, default: false },
    aaguid: { type: String, required: true },
    name: { type: String, required: true },
    createdAt: { type: Date, required: true },
    lastUsedAt: { type: Date },
  },
  { versionKey: false, collection: 'passkeys' },
);

schema.index({ accountId: 1 });

export function passkeyModel(connection: Connection): Model<PasskeyRecord> {
  return modelOn<PasskeyRecord>(connection, 'Passkey', schema);
}
