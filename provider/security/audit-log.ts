import type { Connection } from 'mongoose';

import type { Logger } from '../observability/logger.ts';
import { auditHash } from './audit-hash.ts';
import { auditModel, type AuditRecord } from './audit-model.ts';
import { auditRateModel, type AuditRateRecord } from './audit-rate-model.ts';

/** What a caller records; the position, time and hashes are the log's to add. */
type AuditEvent = Omit<AuditRecord, '_id' | 'at' | 'prevHash' | 'hash' | 'keyed'>;

interface AuditLogOptions {
  /** the HMAC key of the chain (security/audit-hash.ts auditKey) */
  key: Uint8Array;
  /** failure events one source may add per minute before they are only counted */
  failuresPerMinute?: number;
  /** sees every event as it happens, suppressed ones too (metrics count them) */
  onEvent?: (event: AuditEvent) => void;
}

const MAX_ATTEMPTS = 20;
const WINDOW_MS = 60_000;
const DEFAULT_FAILURES_PER_MINUTE = 20;

function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number })?.code === 11000;
}

/**
 * The tamper-evident audit log: every record holds the keyed hash of the one before it. Appending
 * is one atomic step that cannot fork the chain: the new record takes `_id` = last + 1, and the
 * unique `_id` lets exactly one of several concurrent writers (on any instance) have it; the
 * others read the new tail and try again. Within one process appends queue up, so a burst of
 * events does not turn into a burst of retries.
 *
 * Failing to write is never silent: the action that caused the event fails with it. And a
 * flood cannot grow the log without bound: past `failuresPerMinute` failure events from one
 * source in a minute, further ones are only counted, and one `audit.suppressed` record with
 * the count is appended once the minute is over (flushSuppressed).
 */
export class AuditLog {
  readonly #connection: Connection;
  readonly #logger: Logger;
  readonly #key: Uint8Array;
  readonly #failuresPerMinute: number;
  readonly #onEvent: ((event: AuditEvent) => void) | undefined;
  /** appends of this process, one after another: they would only race each other for the tail */
  #queue: Promise<void> = Promise.resolve();

  constructor(connection: Connection, logger: Logger, options: AuditLogOptions) {
    this.#connection = connection;
    this.#logger = logger;
    this.#key = options.key;
    this.#failuresPerMinute = options.failuresPerMinute ?? DEFAULT_FAILURES_PER_MINUTE;
    this.#onEvent = options.onEvent;
  }

  /** Appends one record to the chain, whatever the rate; throws when it cannot. */
  async append(event: AuditEvent): Promise<void> {
    this.#logger.info({ audit: true, ...event }, `audit ${event.event}`);
    this.#onEvent?.(event);
    const appended = this.#queue.then(() => this.#appendToChain(event));
    this.#queue = appended.catch(() => undefined);
    await appended;
  }

  /** Records a security event, failures under the per-source rate limit; throws when it cannot. */
  async record(event: AuditEvent): Promise<void> {
    if (event.outcome === 'failure' && event.ip && (await this.#overLimit(event.ip))) {
      this.#logger.info({ audit: true, suppressed: true, ...event }, `audit ${event.event} (counted, not chained)`);
      this.#onEvent?.(event);
      return;
    }
    await this.append(event);
  }

  /**
   * Appends one `audit.suppressed` record for each finished minute in which a source went over
   * the limit. Every instance may run it: a conditional update lets one of them claim each.
   */
  async flushSuppressed(now = Date.now()): Promise<number> {
    const Rate = auditRateModel(this.#connection);
    const current = new Date(now - (now % WINDOW_MS));
    const due = await Rate.find({
      window: { $lt: current },
      count: { $gt: this.#failuresPerMinute },
      summarized: { $ne: true },
    }).lean<AuditRateRecord[]>();
    let appended = 0;
    for (const window of due) {
      const claimed = await Rate.updateOne(
        { _id: window._id, summarized: { $ne: true } },
        { $set: { summarized: true } },
      );
      if (claimed.modifiedCount !== 1) continue;
      await this.append({
        event: 'audit.suppressed',
        outcome: 'failure',
        ip: window.source,
        details: { window: window.window.toISOString(), suppressed: window.count - this.#failuresPerMinute },
      });
      appended += 1;
    }
    return appended;
  }

  /** Counts a failure event of `source` in this minute; true when it is over the limit. */
  async #overLimit(source: string): Promise<boolean> {
    const now = Date.now();
    const window = new Date(now - (now % WINDOW_MS));
    const counted = await auditRateModel(this.#connection)
      .findOneAndUpdate(
        { _id: `${source}|${window.getTime()}` },
        {
          $inc: { count: 1 },
          $setOnInsert: { source, window, expiresAt: new Date(window.getTime() + 24 * 60 * WINDOW_MS) },
        },
        { upsert: true, returnDocument: 'after', projection: { count: 1 } },
      )
      .lean<Pick<AuditRateRecord, 'count'>>();
    return (counted?.count ?? 0) > this.#failuresPerMinute;
  }

  async #appendToChain(event: AuditEvent): Promise<void> {
    const Audit = auditModel(this.#connection);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const last = await Audit.findOne({}, { _id: 1, hash: 1 })
        .sort({ _id: -1 })
        .lean<Pick<AuditRecord, '_id' | 'hash'>>();
      const record: Omit<AuditRecord, 'hash'> = {
        _id: (last?._id ?? 0) + 1,
        at: new Date(),
        ...event,
        prevHash: last?.hash ?? '',
        keyed: true,
      };
      try {
        await Audit.insertOne({ ...record, hash: auditHash(record, this.#key) });
        return;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    throw new Error('audit log: too much contention appending a record');
  }
}
