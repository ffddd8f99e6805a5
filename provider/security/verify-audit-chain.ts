import type { Connection } from 'mongoose';

import { auditHash } from './audit-hash.ts';
import { auditModel, type AuditRecord } from './audit-model.ts';

type ChainVerdict =
  | {
      ok: true;
      records: number /** records before the first keyed one (written before keyed hashing) */;
      unkeyed: number;
    }
  | { ok: false; records: number; brokenAt: number; reason: string };

/** A chain head noted down elsewhere (`audit head`): record `seq` must still have this hash. */
export interface ChainAnchor {
  seq: number;
  hash: string;
}

/**
 * Walks the audit chain in order and names the first broken record: a gap (a deleted or
 * never-written record), a record whose content no longer matches its keyed hash (edited), one
 * that does not point at the hash of its predecessor (inserted or re-chained), or an unkeyed
 * record after a keyed one. With an anchor, records cut from the end are caught too: the
 * anchored record must still be there with its hash.
 */
export async function verifyAuditChain(
  connection: Connection,
  key: Uint8Array,
  anchor?: ChainAnchor,
  /** only the newest `last` records, tied to the hash of the one before them (a bounded walk) */
  last?: number,
): Promise<ChainVerdict> {
  let expectedId = 1;
  let prevHash = '';
  let records = 0;
  let unkeyed = 0;
  let anchored = false;
  const head = last ? await auditChainHead(connection) : undefined;
  if (head && last && head.seq > last) {
    expectedId = head.seq - last + 1;
    const before = await auditModel(connection)
      .findOne({ _id: expectedId - 1 }, { hash: 1, keyed: 1 })
      .lean<Pick<AuditRecord, 'hash' | 'keyed'>>();
    if (!before)
      return { ok: false, records: 0, brokenAt: expectedId - 1, reason: `record ${expectedId - 1} is missing` };
    prevHash = before.hash;
    // after a keyed record an unkeyed one is a break, as in the full walk
    unkeyed = before.keyed ? -1 : 0;
  }
  const window = expectedId > 1 ? { _id: { $gte: expectedId } } : {};
  for await (const record of auditModel(connection).find(window).sort({ _id: 1 }).lean<AuditRecord[]>().cursor()) {
    const current = record as unknown as AuditRecord;
    records += 1;
    if (current._id !== expectedId) {
      return {
        ok: false,
        records,
        brokenAt: expectedId,
        reason: `record ${expectedId} is missing (next is ${current._id})`,
      };
    }
    if (current.prevHash !== prevHash) {
      return {
        ok: false,
        records,
        brokenAt: current._id,
        reason: `record ${current._id} does not follow the hash of record ${current._id - 1}`,
      };
    }
    if (!current.keyed) {
      if (unkeyed !== records - 1)
        return {
          ok: false,
          records,
          brokenAt: current._id,
          reason: `record ${current._id} is unkeyed after keyed records`,
        };
      unkeyed += 1;
    }
    const { hash, ...content } = current;
    if (auditHash(content, key) !== hash) {
      return {
        ok: false,
        records,
        brokenAt: current._id,
        reason: `record ${current._id} was altered (its hash does not match its content)`,
      };
    }
    if (anchor && current._id === anchor.seq) anchored = current.hash === anchor.hash;
    prevHash = hash;
    expectedId += 1;
  }
  if (anchor && !anchored) {
    return {
      ok: false,
      records,
      brokenAt: anchor.seq,
      reason: `the anchor ${anchor.seq}:${anchor.hash.slice(0, 12)}… is not in the chain: records were removed from the end or rewritten`,
    };
  }
  return { ok: true, records, unkeyed: Math.max(unkeyed, 0) };
}

/** The last record's position and hash, to note down outside the database. */
export async function auditChainHead(
  connection: Connection,
): Promise<{ seq: number; hash: string; at: Date } | undefined> {
  const last = await auditModel(connection)
    .findOne({}, { _id: 1, hash: 1, at: 1 })
    .sort({ _id: -1 })
    .lean<Pick<AuditRecord, '_id' | 'hash' | 'at'>>();
  return last ? { seq: last._id, hash: last.hash, at: last.at } : undefined;
}
