import { createHash } from 'node:crypto';

import type { AuditRecord } from './audit-model.ts';

/** Canonical JSON: keys sorted at every depth, so the hash does not depend on storage order. */
function canonical(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && v !== null).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 of the previous hash and everything in the record except its own hash. */
export function auditHash(record: Omit<AuditRecord, 'hash'>): string {
  const { prevHash, ...content } = record;
  return createHash('sha256').update(prevHash).update('\n').update(canonical(content)).digest('hex');
}
