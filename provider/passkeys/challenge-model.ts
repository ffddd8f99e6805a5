import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/** Why a challenge was issued: each is accepted only for its own ceremony. */
export type ChallengePurpose = 'register' | 'sign-in' | 'second-factor' | 'confirm';

/** A WebAuthn challenge waiting for its answer: single use, short-lived, bound to one subject. */
export interface ChallengeRecord {
  /** the challenge itself, base64url */
  _id: string;
  purpose: ChallengePurpose;
  /** what it is bound to: `interaction:<uid>` or `session:<id>` */
  subject: string;
  /** the account it was issued for (registration, second factor, confirmation); absent for a passwordless sign-in */
  accountId?: string | null;
  /** refused after this (TTL index; the check does not rely on the reaper) */
  expiresAt: Date;
}

const schema = new Schema<ChallengeRecord>(
  {
    _id: { type: String, required: true },
    purpose: { type: String, required: true },
    subject: { type: String, required: true },
    accountId: { type: String },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'webauthn_challenges' },
);

schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function challengeModel(connection: Connection): Model<ChallengeRecord> {
  return modelOn<ChallengeRecord>(connection, 'WebAuthnChallenge', schema);
}
