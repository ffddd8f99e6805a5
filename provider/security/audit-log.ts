import type { Connection } from 'mongoose';

import type { Logger } from '../observability/logger.ts';
import { auditHash } from './audit-hash.ts';
import { auditModel, type AuditRecord } from './audit-model.ts';

/** What a caller records; the position, time and hashes are the log's to add. */
export type AuditEvent = Omit<AuditRecord, '_id' | 'at' | 'prevHash' | 'hash'>;

const MAX_ATTEMPTS = 20;

function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number })?.code === 11000;
}

/**
 * The tamper-evident audit log: every record holds the hash of the one before it. Appending is
 * one atomic step that cannot fork the chain: the new record takes `_id` = last + 1, and the
 * unique `_id` lets exactly one of several concurrent writers (on any instance) have it; the
 * others read the new tail and try again.
 */
export class AuditLog {
  readonly #connection: Connection;
  readonly #logger: Logger;
  readonly #onEvent: ((event: AuditEvent) => void) | undefined;

  /** `onEvent` sees every event as it is appended (metrics count them). */
  constructor(connection: Connection, logger: Logger, onEvent?: (event: AuditEvent) => void) {
    this.#connection = connection;
    this.#logger = logger;
    this.#onEvent = onEvent;
  }

  async append(event: AuditEvent): Promise<void> {
    this.#logger.info({ audit: true, ...event }, `audit ${event.event}`);
    this.#onEvent?.(event);
    const Audit = auditModel(this.#connection);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const last = await Audit.findOne({}, { _id: 1, hash: 1 }).sort({ _id: -1 }).lean<Pick<AuditRecord, '_id' | 'hash'>>();
      const record: Omit<AuditRecord, 'hash'> = {
        _id: (last?._id ?? 0) + 1,
        at: new Date(),
        ...event,
        prevHash: last?.hash ?? '',
      };
      try {
        await Audit.collection.insertOne({ ...record, hash: auditHash(record) } as never);
        return;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    throw new Error('audit log: too much contention appending a record');
  }

  /** Like append, but a failure is logged instead of failing the request that caused it. */
  async record(event: AuditEvent): Promise<void> {
    try {
      await this.append(event);
    } catch (err) {
      this.#logger.error({ err, event: event.event }, 'audit record could not be written');
    }
  }
}
