import type { Connection } from 'mongoose';

import { challengeModel, type ChallengePurpose, type ChallengeRecord } from './challenge-model.ts';

/** How long a ceremony may take: long enough to find a security key, short enough to be useless later. */
export const CHALLENGE_SECONDS = 300;

interface ChallengeBinding {
  purpose: ChallengePurpose;
  subject: string;
  accountId?: string;
}

/** Stores a challenge the options carry (simplewebauthn draws it at random) with what it is for. */
export async function storeChallenge(
  connection: Connection,
  challenge: string,
  binding: ChallengeBinding,
): Promise<void> {
  await challengeModel(connection).insertMany([
    {
      _id: challenge,
      purpose: binding.purpose,
      subject: binding.subject,
      accountId: binding.accountId ?? null,
      expiresAt: new Date(Date.now() + CHALLENGE_SECONDS * 1000),
    },
  ]);
}

/**
 * Takes a challenge for one use: read, then deleted on the condition that it is still there, so
 * of two answers to one challenge only the one whose delete removed it is accepted. Undefined
 * when it is unknown, spent, expired, or was issued for another purpose or subject.
 */
export async function takeChallenge(
  connection: Connection,
  challenge: string,
  binding: Omit<ChallengeBinding, 'accountId'>,
): Promise<Pick<ChallengeRecord, 'accountId'> | undefined> {
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(challenge)) return undefined;
  const Challenge = challengeModel(connection);
  const filter = { _id: challenge, purpose: binding.purpose, subject: binding.subject, expiresAt: { $gt: new Date() } };
  const record = await Challenge.findOne(filter).lean<ChallengeRecord>();
  if (!record) return undefined;
  const taken = await Challenge.deleteOne({ _id: challenge });
  return taken.deletedCount === 1 ? { accountId: record.accountId ?? undefined } : undefined;
}
