import { z } from 'zod';

import { accountModel } from '../accounts/account-model.ts';
import { auditKey } from '../security/audit-hash.ts';
import { auditModel, type AuditRecord } from '../security/audit-model.ts';
import { auditChainHead, type ChainAnchor, verifyAuditChain } from '../security/verify-audit-chain.ts';
import type { AdminDeps } from './admin-deps.ts';
import { startsWithPattern } from './literal-pattern.ts';

/** The filters of the audit log, as the admin API's query takes them. */
export const auditFilterSchema = z.object({
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  actor: z.string().max(400).optional(),
  event: z.string().max(200).optional(),
  subject: z.string().max(400).optional(),
});

export const auditSchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    event: z.string(),
    outcome: z.enum(['success', 'failure']),
    account: z.string().optional(),
    client: z.string().optional(),
    ip: z.string().optional(),
    requestId: z.string().optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .describe('one record of the audit chain');

export const chainSchema = z.object({
  intact: z.boolean(),
  records: z.number().int().optional(),
  broken_at: z.number().int().optional(),
  reason: z.string().optional(),
});

interface AuditQuery {
  from?: Date;
  to?: Date;
  /** who made an administrative change: a person's account id or a service's client id (`details.by.sub`) */
  actor?: string;
  /** an event name, or a prefix ending in `.` (`admin.` for every administrative event) */
  event?: string;
  /** the account or client the event is about */
  subject?: string;
  /** records before this sequence number (the cursor: newest first) */
  before?: number;
  limit: number;
}

export type AuditView = Omit<AuditRecord, '_id' | 'prevHash' | 'hash' | 'keyed' | 'at'> & { seq: number; at: string };

/** Audit records, newest first, filtered; the next page starts before the last `seq`. */
export async function queryAudit(deps: Pick<AdminDeps, 'connection'>, query: AuditQuery): Promise<AuditView[]> {
  const filter: Record<string, unknown> = {};
  if (query.before !== undefined) filter._id = { $lt: query.before };
  if (query.from || query.to)
    filter.at = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lt: query.to } : {}) };
  if (query.event) filter.event = query.event.endsWith('.') ? { $regex: startsWithPattern(query.event) } : query.event;
  const and: Record<string, unknown>[] = [];
  if (query.subject) and.push({ $or: [{ account: query.subject }, { client: query.subject }] });
  if (query.actor) and.push({ 'details.by.sub': query.actor });
  if (and.length) filter.$and = and;
  const records = await auditModel(deps.connection)
    .find(filter)
    .sort({ _id: -1 })
    .limit(query.limit)
    .lean<AuditRecord[]>();
  return records.map(({ _id, at, prevHash: _p, hash: _h, keyed: _k, ...rest }) => ({
    seq: _id,
    at: at.toISOString(),
    ...rest,
  }));
}

/** Whether the hash chain is intact (the same walk as `admin audit verify`; `last`: only the newest records). */
export async function auditChainStatus(deps: Pick<AdminDeps, 'connection' | 'keys'>, last?: number) {
  const verdict = await verifyAuditChain(deps.connection, auditKey(deps.keys.encryptionKey), undefined, last);
  return verdict.ok
    ? { intact: true, records: verdict.records }
    : { intact: false, broken_at: verdict.brokenAt, reason: verdict.reason };
}

/** The whole chain walked (`admin audit verify`), tied to an anchor noted down earlier when given. */
export function verifyAuditLog(deps: Pick<AdminDeps, 'connection' | 'keys'>, anchor?: ChainAnchor) {
  return verifyAuditChain(deps.connection, auditKey(deps.keys.encryptionKey), anchor);
}

/** The newest record's position and hash, to note down outside the database; undefined when the log is empty. */
export function auditHead(deps: Pick<AdminDeps, 'connection'>) {
  return auditChainHead(deps.connection);
}

/** The emails of the ids that are accounts (a client id, a deleted account: absent), in one query. */
export async function accountEmails(deps: Pick<AdminDeps, 'connection'>, ids: Iterable<string>) {
  const wanted = [...new Set(ids)];
  const accounts = wanted.length
    ? await accountModel(deps.connection)
        .find({ _id: { $in: wanted } }, { email: 1 })
        .lean()
    : [];
  return new Map(accounts.map((account) => [account._id, account.email]));
}
