import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/** An account's link to an identity at an upstream: that upstream's `sub` signs in as this account. */
export interface IdentityLinkRecord {
  /** random */
  _id: string;
  /** the upstream's id here (idp-model.ts) */
  idp: string;
  /** the upstream's issuer and subject: the identity, as the upstream names it */
  iss: string;
  sub: string;
  accountId: string;
  /** the upstream's email at the last sign-in (shown on /account) */
  email?: string;
  /** the upstream's groups at the last sign-in (capped), for group mapping */
  groups?: string[];
  createdAt: Date;
  lastUsedAt: Date;
}

const schema = new Schema<IdentityLinkRecord>(
  {
    _id: { type: String, required: true },
    idp: { type: String, required: true },
    iss: { type: String, required: true },
    sub: { type: String, required: true },
    accountId: { type: String, required: true },
    email: { type: String },
    groups: { type: [String], default: undefined },
    createdAt: { type: Date, required: true },
    lastUsedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'identity_links' },
);

// One upstream identity signs in as one account at most.
schema.index({ idp: 1, sub: 1 }, { unique: true });
schema.index({ accountId: 1 });

export function identityLinkModel(connection: Connection): Model<IdentityLinkRecord> {
  return modelOn<IdentityLinkRecord>(connection, 'IdentityLink', schema);
}
