import { createHash, createHmac, hkdfSync } from 'node:crypto';

import type { AuditRecord } from './audit-model.ts';

/**
 * The key the audit chain is hashed with, derived from KEY_ENCRYPTION_KEY: it never sits in the
 * database, so someone who can write there cannot recompute a chain they edited.
 */
export function auditKey(keyEncryptionKey: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', keyEncryptionKey, Buffer.alloc(0), 'meshid audit chain v1', 32));
}

/** Canonical JSON: keys sorted at every depth, so the hash does not depend on storage order. */
export function canonical(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * HMAC-SHA256, under the audit key, of the previous hash and everything in the record except its
 * own hash. Records written before keyed hashing (no `keyed` field) used plain SHA-256: only
 * verify-audit-chain.ts still computes that, for such a prefix of an old chain.
 */
export function auditHash(record: Omit<AuditRecord, 'hash'>, key: Uint8Array): string {
  const { prevHash, ...content } = record;
  const digest = record.keyed ? createHmac('sha256', key) : createHash('sha256');
  return digest.update(prevHash).update('\n').update(canonical(content)).digest('hex');
}
