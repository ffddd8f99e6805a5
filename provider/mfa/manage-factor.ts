import { mfaModel } from './mfa-model.ts';
import type { MfaDeps } from './mfa-deps.ts';
import { newRecoveryCodes } from './recovery-codes.ts';

/** Removes the second factor and its recovery codes (the caller has re-authenticated the user). */
export async function removeFactor(deps: Pick<MfaDeps, 'connection'>, accountId: string): Promise<void> {
  await mfaModel(deps.connection).deleteOne({ _id: accountId });
}

/** Replaces every recovery code with ten new ones; the old set stops working at once. */
export async function regenerateRecoveryCodes(
  deps: Pick<MfaDeps, 'connection' | 'encryptionKey'>,
  accountId: string,
): Promise<string[] | undefined> {
  const { codes, stored } = await newRecoveryCodes(deps.encryptionKey);
  const result = await mfaModel(deps.connection).updateOne(
    { _id: accountId, totpSecret: { $type: 'string' } },
    { $set: { recoveryCodes: stored, updatedAt: new Date() }, $inc: { recoveryVersion: 1 } },
  );
  return result.modifiedCount === 1 ? codes : undefined;
}
