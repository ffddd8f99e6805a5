import { randomUUID } from 'node:crypto';

import type { Connection } from 'mongoose';

import { identityLinkModel, type IdentityLinkRecord } from './identity-link-model.ts';

/** The most groups kept from an upstream: a user in thousands of groups must not bloat a record. */
const MAX_LINK_GROUPS = 100;

interface UpstreamIdentity {
  idp: string;
  iss: string;
  sub: string;
  email?: string;
  groups?: string[];
}

/** The link of this upstream identity, if any. */
export function findLink(connection: Connection, idp: string, sub: string): Promise<IdentityLinkRecord | null> {
  return identityLinkModel(connection).findOne({ idp, sub }).lean<IdentityLinkRecord>();
}

/**
 * Links an upstream identity to an account. False when the identity is linked already (to this
 * or another account: the unique index decides a race).
 */
export async function createLink(
  connection: Connection,
  identity: UpstreamIdentity,
  accountId: string,
): Promise<boolean> {
  const now = new Date();
  try {
    await identityLinkModel(connection).insertMany([
      {
        _id: randomUUID(),
        idp: identity.idp,
        iss: identity.iss,
        sub: identity.sub,
        accountId,
        email: identity.email,
        groups: identity.groups?.slice(0, MAX_LINK_GROUPS),
        createdAt: now,
        lastUsedAt: now,
      },
    ]);
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return false;
    throw err;
  }
}

/** Records a sign-in through a link: when, and what the upstream said this time. */
export async function touchLink(connection: Connection, linkId: string, identity: UpstreamIdentity): Promise<void> {
  await identityLinkModel(connection).updateOne(
    { _id: linkId },
    {
      $set: {
        lastUsedAt: new Date(),
        email: identity.email,
        ...(identity.groups ? { groups: identity.groups.slice(0, MAX_LINK_GROUPS) } : {}),
      },
    },
  );
}

export function listLinks(connection: Connection, accountId: string): Promise<IdentityLinkRecord[]> {
  return identityLinkModel(connection).find({ accountId }).sort({ createdAt: 1 }).lean<IdentityLinkRecord[]>();
}

/** Removes one of the account's links; the removed link, or undefined when it is not the account's. */
export async function removeLink(
  connection: Connection,
  accountId: string,
  linkId: string,
): Promise<IdentityLinkRecord | undefined> {
  const Link = identityLinkModel(connection);
  const link = await Link.findOne({ _id: linkId, accountId }).lean<IdentityLinkRecord>();
  if (!link) return undefined;
  const removed = await Link.deleteOne({ _id: linkId, accountId });
  return removed.deletedCount === 1 ? link : undefined;
}
