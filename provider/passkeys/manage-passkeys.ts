import type { Connection } from 'mongoose';

import { accountModel } from '../accounts/account-model.ts';
import { type NotRun, withPasskeyChange } from './passkey-change.ts';
import { passkeyModel, type PasskeyRecord } from './passkey-model.ts';

type PasskeySummary = Pick<PasskeyRecord, '_id' | 'name' | 'createdAt' | 'lastUsedAt' | 'deviceType' | 'aaguid'>;

/** An account's passkeys, oldest first, without their keys. */
export async function listPasskeys(connection: Connection, accountId: string): Promise<PasskeySummary[]> {
  return passkeyModel(connection)
    .find({ accountId }, { name: 1, createdAt: 1, lastUsedAt: 1, deviceType: 1, aaguid: 1 })
    .sort({ createdAt: 1 })
    .lean<PasskeySummary[]>();
}

/** How many passkeys an account has. */
export async function countPasskeys(connection: Connection, accountId: string): Promise<number> {
  return passkeyModel(connection).countDocuments({ accountId });
}

/**
 * What a removal came to: `removed` passkeys gone, or refused because they are the last sign-in of
 * a passkey-only account (`last`), the account has no such passkey (`none`), or another passkey
 * change of the account is in progress (`busy`).
 */
export type PasskeyRemoval = { removed: number } | { refused: 'last' | 'none' | 'busy' };

/**
 * Removes one passkey of this account, unless it is the last one of an account that signs in only
 * with passkeys. Every door (account page, admin API and console, CLI) removes through here.
 */
export async function removePasskey(connection: Connection, accountId: string, id: string): Promise<PasskeyRemoval> {
  const outcome = await withPasskeyChange(connection, accountId, async (): Promise<PasskeyRemoval> => {
    if ((await passkeyOnly(connection, accountId)) && (await countPasskeys(connection, accountId)) <= 1)
      return { refused: 'last' };
    const result = await passkeyModel(connection).deleteOne({ _id: id, accountId });
    return result.deletedCount === 1 ? { removed: 1 } : { refused: 'none' };
  });
  return asRemoval(outcome);
}

/**
 * Removes every passkey of an account (admin: a lost device, an account handed over), unless the
 * account signs in only with passkeys and has any.
 */
export async function removeAllPasskeys(connection: Connection, accountId: string): Promise<PasskeyRemoval> {
  const outcome = await withPasskeyChange(connection, accountId, async (): Promise<PasskeyRemoval> => {
    if ((await passkeyOnly(connection, accountId)) && (await countPasskeys(connection, accountId)) > 0)
      return { refused: 'last' };
    const result = await passkeyModel(connection).deleteMany({ accountId });
    return { removed: result.deletedCount };
  });
  return asRemoval(outcome);
}

/**
 * Makes an account passkey-only (its password no longer accepted), if it has a passkey; false when
 * it has none. Under the same lease as removals, so the last passkey cannot go at the same moment.
 */
export async function requirePasskey(connection: Connection, accountId: string): Promise<boolean | NotRun> {
  return withPasskeyChange(connection, accountId, async () => {
    if ((await countPasskeys(connection, accountId)) === 0) return false;
    await accountModel(connection).updateOne(
      { _id: accountId },
      { $set: { passwordDisabled: true, updatedAt: new Date() } },
    );
    return true;
  });
}

async function passkeyOnly(connection: Connection, accountId: string): Promise<boolean> {
  const account = await accountModel(connection).findById(accountId, { passwordDisabled: 1 }).lean();
  return account?.passwordDisabled === true;
}

function asRemoval(outcome: PasskeyRemoval | NotRun): PasskeyRemoval {
  if (outcome === 'busy') return { refused: 'busy' };
  if (outcome === 'no_account') return { refused: 'none' };
  return outcome;
}
