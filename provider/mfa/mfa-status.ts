import type { Connection } from 'mongoose';

import { countPasskeys } from '../passkeys/manage-passkeys.ts';
import { mfaModel, type MfaRecord } from './mfa-model.ts';

interface MfaStatus {
  /** an authenticator app (TOTP) is on */
  enrolled: boolean;
  recoveryCodesLeft: number;
  /** how many passkeys the account has: each is a second factor too */
  passkeys: number;
}

/** Whether an account has any second factor: an authenticator app or a passkey. */
export function hasAnyFactor(status: MfaStatus): boolean {
  return status.enrolled || status.passkeys > 0;
}

/** An account's second factors; two indexed reads, in parallel. */
export async function mfaStatus(connection: Connection, accountId: string): Promise<MfaStatus> {
  const [record, passkeys] = await Promise.all([
    mfaModel(connection)
      .findById(accountId, { totpSecret: 1, recoveryCodes: 1 })
      .lean<Pick<MfaRecord, 'totpSecret' | 'recoveryCodes'>>(),
    countPasskeys(connection, accountId),
  ]);
  return {
    enrolled: !!record?.totpSecret,
    recoveryCodesLeft: record?.recoveryCodes?.filter((code) => !code.usedAt).length ?? 0,
    passkeys,
  };
}
