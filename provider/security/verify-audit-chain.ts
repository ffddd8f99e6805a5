import type { Connection } from 'mongoose';

import { auditHash } from './audit-hash.ts';
import { auditModel, type AuditRecord } from './audit-model.ts';

export type ChainVerdict =
  | { ok: true; records: number }
  | { ok: false; records: number; brokenAt: number; reason: string };

/**
 * Walks the audit chain in order and names the first broken record: a gap (a deleted or
 * never-written record), a record whose content no longer matches its hash (edited), or one
 * that does not point at the hash of its predecessor (inserted or re-chained).
 */
export async function verifyAuditChain(connection: Connection): Promise<ChainVerdict> {
  let expectedId = 1;
  let prevHash = '';
  let records = 0;
  for await (const record of auditModel(connection).find({}).sort({ _id: 1 }).lean<AuditRecord[]>().cursor()) {
    const current = record as unknown as AuditRecord;
    records += 1;
    if (current._id !== expectedId) {
      return { ok: false, records, brokenAt: expectedId, reason: `record ${expectedId} is missing (next is ${current._id})` };
    }
    if (current.prevHash !== prevHash) {
      return { ok: false, records, brokenAt: current._id, reason: `record ${current._id} does not follow the hash of record ${current._id - 1}` };
    }
    const { hash, ...content } = current;
    if (auditHash(content) !== hash) {
      return { ok: false, records, brokenAt: current._id, reason: `record ${current._id} was altered (its hash does not match its content)` };
    }
    prevHash = hash;
    expectedId += 1;
  }
  return { ok: true, records };
}
