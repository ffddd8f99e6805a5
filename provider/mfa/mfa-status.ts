import type { Connection } from 'mongoose';

import { mfaModel, type MfaRecord } from './mfa-model.ts';

export interface MfaStatus {
  enrolled: boolean;
  recoveryCodesLeft: number;
}

/** Whether an account has an active second factor; one indexed read. */
export async function mfaStatus(connection: Connection, accountId: string): Promise<MfaStatus> {
  const record = await mfaModel(connection)
    .findById(accountId, { totpSecret: 1, recoveryCodes: 1 })
    .lean<Pick<MfaRecord, 'totpSecret' | 'recoveryCodes'>>();
  return {
    enrolled: !!record?.totpSecret,
    recoveryCodesLeft: record?.recoveryCodes?.filter((code) => !code.usedAt).length ?? 0,
  };
}
