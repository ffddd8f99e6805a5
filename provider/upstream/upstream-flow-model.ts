import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/** The upstream's answer, checked and mapped (identity.ts), kept until the account is settled. */
export interface VerifiedIdentity {
  iss: string;
  sub: string;
  email?: string;
  emailVerified: boolean;
  name?: string;
  /** the upstream's own amr and acr, recorded (they count here only as the upstream's configuration says) */
  amr?: string[];
  acr?: string;
  groups?: string[];
}

/**
 * One browser's trip to an upstream and back. `started`: sent there (state, nonce, PKCE verifier
 * wait for the callback); `verified`: the callback checked the answer; `link`: the identity waits
 * for the local account's password or passkey before it is linked.
 */
export interface UpstreamFlowRecord {
  /** SHA-256 of the random value in the browser's meshid_upstream cookie, hex */
  _id: string;
  stage: 'started' | 'exchanging' | 'verified' | 'link';
  /** the interaction it belongs to */
  uid: string;
  idp: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  identity?: VerifiedIdentity;
  /** the local account with the same (upstream-verified) email, at the `link` stage */
  accountId?: string;
  expiresAt: Date;
}

const schema = new Schema<UpstreamFlowRecord>(
  {
    _id: { type: String, required: true },
    stage: { type: String, required: true },
    uid: { type: String, required: true },
    idp: { type: String, required: true },
    state: { type: String, required: true },
    nonce: { type: String, required: true },
    codeVerifier: { type: String, required: true },
    identity: { type: Schema.Types.Mixed },
    accountId: { type: String },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'upstream_flows' },
);

schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function upstreamFlowModel(connection: Connection): Model<UpstreamFlowRecord> {
  return modelOn<UpstreamFlowRecord>(connection, 'UpstreamFlow', schema);
}
