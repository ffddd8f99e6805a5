import { createHash, randomBytes } from 'node:crypto';

import type { Connection } from 'mongoose';

import { accountLinkModel, type AccountLinkRecord, type LinkPurpose } from './account-link-model.ts';

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

type LinkHolder = Pick<AccountLinkRecord, 'accountId' | 'purpose' | 'email'>;

/** A new single-use link token for the account and purpose, valid `seconds`; only its hash is stored. */
export async function issueLink(connection: Connection, link: LinkHolder, seconds: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await accountLinkModel(connection).insertMany([
    { _id: hashOf(token), ...link, expiresAt: new Date(Date.now() + seconds * 1000) },
  ]);
  return token;
}

/** What a token is for while it is valid, if it has one of `purposes`; it is not used up (a mail scanner may open links). */
export async function peekLink(
  connection: Connection,
  token: string,
  purposes: readonly LinkPurpose[],
): Promise<LinkHolder | undefined> {
  if (!TOKEN.test(token)) return undefined;
  const record = await accountLinkModel(connection)
    .findOne({ _id: hashOf(token), purpose: { $in: purposes }, expiresAt: { $gt: new Date() } })
    .lean<AccountLinkRecord>();
  return record ? { accountId: record.accountId, purpose: record.purpose, email: record.email } : undefined;
}

/**
 * Uses a token up: deleted on the condition that it is still there and valid, so of two
 * concurrent uses one wins. The account's other links of the same purposes die with it.
 */
export async function takeLink(
  connection: Connection,
  token: string,
  purposes: readonly LinkPurpose[],
): Promise<LinkHolder | undefined> {
  const link = await peekLink(connection, token, purposes);
  if (!link) return undefined;
  const Links = accountLinkModel(connection);
  const taken = await Links.deleteOne({ _id: hashOf(token), expiresAt: { $gt: new Date() } });
  if (taken.deletedCount !== 1) return undefined;
  await Links.deleteMany({ accountId: link.accountId, purpose: { $in: purposes } });
  return link;
}
