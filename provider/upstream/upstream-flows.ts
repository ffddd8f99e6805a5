import { createHash, randomBytes } from 'node:crypto';

import type { Connection } from 'mongoose';

import { upstreamFlowModel, type UpstreamFlowRecord, type VerifiedIdentity } from './upstream-flow-model.ts';

/** What a flow holds, for the screens that carry one on. */
export type { UpstreamFlowRecord };

/** How long a trip to an upstream may take, sign-in there included. */
export const FLOW_SECONDS = 600;

/** The cookie that binds a flow to the browser that started it (SameSite=Lax: it must come back from the upstream). */
export const FLOW_COOKIE = 'meshid_upstream';

const hash = (value: string) => createHash('sha256').update(value).digest('hex');
const live = () => ({ expiresAt: { $gt: new Date() } });

/** Starts a flow; returns the cookie value (only its hash is stored). */
export async function startFlow(
  connection: Connection,
  flow: Pick<UpstreamFlowRecord, 'uid' | 'idp' | 'state' | 'nonce' | 'codeVerifier'>,
): Promise<string> {
  const cookie = randomBytes(32).toString('base64url');
  await upstreamFlowModel(connection).insertMany([
    { _id: hash(cookie), stage: 'started', ...flow, expiresAt: new Date(Date.now() + FLOW_SECONDS * 1000) },
  ]);
  return cookie;
}

/** A cookie value that could be one of ours (anything else is not looked up). */
const wellFormed = (cookie: string | undefined): cookie is string => !!cookie && /^[A-Za-z0-9_-]{43}$/.test(cookie);

/**
 * Takes a started flow for its callback, once: of two callbacks with the same cookie only the
 * one whose conditional update moved it on gets it (a replayed callback finds nothing).
 */
export async function takeStartedFlow(
  connection: Connection,
  cookie: string | undefined,
  idp: string,
): Promise<UpstreamFlowRecord | undefined> {
  if (!wellFormed(cookie)) return undefined;
  const Flow = upstreamFlowModel(connection);
  const filter = { _id: hash(cookie), stage: 'started' as const, idp, ...live() };
  const flow = await Flow.findOne(filter).lean<UpstreamFlowRecord>();
  if (!flow) return undefined;
  const moved = await Flow.updateOne(filter, { $set: { stage: 'exchanging' } });
  return moved.modifiedCount === 1 ? flow : undefined;
}

/** Records the checked identity: the flow waits for the interaction to settle the account. */
export async function markVerified(connection: Connection, cookie: string, identity: VerifiedIdentity): Promise<void> {
  await upstreamFlowModel(connection).updateOne(
    { _id: hash(cookie), stage: 'exchanging' },
    { $set: { stage: 'verified', identity } },
  );
}

/** A flow of this browser and interaction at one of the given stages, or undefined. */
export async function findFlow(
  connection: Connection,
  cookie: string | undefined,
  uid: string,
  stages: UpstreamFlowRecord['stage'][],
): Promise<UpstreamFlowRecord | undefined> {
  if (!wellFormed(cookie)) return undefined;
  const flow = await upstreamFlowModel(connection)
    .findOne({ _id: hash(cookie), uid, stage: { $in: stages }, ...live() })
    .lean<UpstreamFlowRecord>();
  return flow ?? undefined;
}

/** The identity waits for proof of the local account before it is linked. */
export async function awaitLinkProof(connection: Connection, cookie: string, accountId: string): Promise<void> {
  await upstreamFlowModel(connection).updateOne(
    { _id: hash(cookie), stage: 'verified' },
    { $set: { stage: 'link', accountId } },
  );
}

/** Ends a flow; true for the one caller whose delete removed it (a second use finds nothing). */
export async function endFlow(
  connection: Connection,
  cookie: string,
  stage: UpstreamFlowRecord['stage'],
): Promise<boolean> {
  const deleted = await upstreamFlowModel(connection).deleteOne({ _id: hash(cookie), stage });
  return deleted.deletedCount === 1;
}
