import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

export interface RecoveryCode {
  /** argon2id hash of the code */
  hash: string;
  /** keyed tag that finds the code's entry without trying every hash (absent on older codes) */
  lookup?: string;
  usedAt?: Date | null;
}

/** An account's second factor: one document per account, `_id` = account id. */
export interface MfaRecord {
  _id: string;
  /** the active TOTP secret, sealed (security/secret-box.ts) */
  totpSecret?: string | null;
  activatedAt?: Date | null;
  /** a secret being enrolled, sealed; becomes totpSecret when a code proves the app has it */
  pendingSecret?: string | null;
  pendingAt?: Date | null;
  /** the last TOTP time step accepted: a code of this step or earlier is a replay */
  lastUsedStep: number;
  recoveryCodes: RecoveryCode[];
  /** bumped on every change to recoveryCodes: a use claims the set it read (compare-and-set) */
  recoveryVersion: number;
  /** wrong codes in a row; shared by every instance */
  failures: number;
  lockedUntil?: Date | null;
  updatedAt: Date;
}

const mfaSchema = new Schema<MfaRecord>(
  {
    _id: { type: String, required: true },
    totpSecret: { type: String },
    activatedAt: { type: Date },
    pendingSecret: { type: String },
    pendingAt: { type: Date },
    lastUsedStep: { type: Number, default: 0 },
    recoveryCodes: { type: [{ hash: String, lookup: String, usedAt: Date, _id: false }], default: [] },
    recoveryVersion: { type: Number, default: 0 },
    failures: { type: Number, default: 0 },
    lockedUntil: { type: Date },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'mfa' },
);

export function mfaModel(connection: Connection): Model<MfaRecord> {
  return modelOn<MfaRecord>(connection, 'Mfa', mfaSchema);
}
