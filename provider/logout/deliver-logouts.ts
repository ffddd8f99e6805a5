import type { DatabaseOutage } from '../observability/database-outage.ts';
import type { Connection } from 'mongoose';
import type { Client, Provider } from 'oidc-provider';

import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { AuditLog } from '../security/audit-log.ts';
import { enqueueLogouts } from './enqueue-logouts.ts';
import { logoutDeliveryModel, type LogoutDeliveryRecord } from './logout-delivery-model.ts';
import { claimDelivery, dueDeliveries } from '../queue/delivery-claim.ts';

const SEND = Symbol('oidc-provider backchannelLogout');
const MAX_ATTEMPTS = 5;
const RETRY_BASE_MS = 10_000;
const KEEP_MS = 24 * 60 * 60 * 1000;

type Send = (this: Client, sub: string, sid?: string) => Promise<void>;

/**
 * oidc-provider sends back-channel logout tokens while the user's logout waits for every client
 * to answer. Its Client#backchannelLogout is replaced, on this provider only, by a record in the
 * outbox (enqueue-logouts.ts); the library's own method, kept here, is what the worker calls to
 * make, sign and post the token. A slow or dead client then never holds up a logout, and a
 * failed delivery is tried again.
 */
export function queueBackchannelLogouts(provider: Provider, connection: Connection): void {
  const prototype = provider.Client.prototype as unknown as Record<PropertyKey, unknown>;
  if (prototype[SEND]) return;
  prototype[SEND] = prototype.backchannelLogout;
  prototype.backchannelLogout = async function queued(this: Client, sub: string, sid?: string) {
    await enqueueLogouts(connection, [{ clientId: this.clientId, sub, sid }]);
  };
}

/**
 * Delivers the logout tokens owed (OpenID Connect Back-Channel Logout 1.0): each claimed with a
 * compare-and-set (no two instances send one twice), posted by the library with its HTTP
 * timeout, tried up to 5 times (10 s, doubling), every failure logged and counted, a given-up
 * one audited. Records for clients without a back-channel logout URI are simply closed.
 */
export class LogoutDeliveries {
  readonly #connection: Connection;
  readonly #live: { readonly provider: Provider };
  readonly #logger: Logger;
  readonly #metrics: Pick<Metrics, 'backchannelLogouts'>;
  readonly #audit: AuditLog;
  readonly #failed: (err: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(deps: {
    connection: Connection;
    live: { readonly provider: Provider };
    logger: Logger;
    metrics: Pick<Metrics, 'backchannelLogouts'>;
    audit: AuditLog;
    /** where a failed pass goes: counted during a database outage, logged otherwise */
    outage?: Pick<DatabaseOutage, 'jobFailed'>;
  }) {
    this.#failed = deps.outage
      ? (err) => deps.outage!.jobFailed('logouts', err, 'back-channel logout pass failed')
      : (err) => deps.logger.warn({ err }, 'back-channel logout pass failed');
    this.#connection = deps.connection;
    this.#live = deps.live;
    this.#logger = deps.logger;
    this.#metrics = deps.metrics;
    this.#audit = deps.audit;
  }

  start(everyMs = 2000): void {
    this.#timer = setInterval(() => void this.run(), everyMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  /** One pass over what is due; passes never overlap in one process. */
  run(): Promise<void> {
    this.#running ??= this.#deliverDue()
      .catch(this.#failed)
      .finally(() => {
        this.#running = undefined;
      });
    return this.#running;
  }

  async #deliverDue(): Promise<void> {
    const due = await dueDeliveries(logoutDeliveryModel(this.#connection));
    await Promise.all(due.map((record) => this.#deliver(record)));
  }

  async #deliver(record: LogoutDeliveryRecord): Promise<void> {
    const Deliveries = logoutDeliveryModel(this.#connection);
    if (!(await claimDelivery(Deliveries, record))) return;
    const finished = { lockedUntil: null, expiresAt: new Date(Date.now() + KEEP_MS) };
    const provider = this.#live.provider;
    const client = await provider.Client.find(record.clientId);
    const send = (provider.Client.prototype as unknown as Record<PropertyKey, Send | undefined>)[SEND];
    if (!client?.backchannelLogoutUri || !send) {
      await Deliveries.updateOne({ _id: record._id }, { $set: { status: 'done', ...finished } });
      return;
    }
    const attempts = record.attempts + 1;
    try {
      await send.call(client, record.sub, record.sid ?? undefined);
      await Deliveries.updateOne({ _id: record._id }, { $set: { status: 'done', ...finished } });
      this.#metrics.backchannelLogouts.inc({ outcome: 'delivered' });
    } catch (err) {
      const lastError = (err as Error).message.split('\n')[0]!.slice(0, 200);
      const final = attempts >= MAX_ATTEMPTS;
      await Deliveries.updateOne(
        { _id: record._id },
        final
          ? { $set: { status: 'failed', lastError, ...finished } }
          : {
              $set: {
                status: 'pending',
                lastError,
                lockedUntil: null,
                nextTryAt: new Date(Date.now() + RETRY_BASE_MS * 2 ** (attempts - 1)),
              },
            },
      );
      this.#metrics.backchannelLogouts.inc({ outcome: final ? 'given_up' : 'retry' });
      this.#logger.warn(
        { client: record.clientId, attempts, error: lastError },
        final ? 'back-channel logout given up' : 'back-channel logout not delivered yet: will retry',
      );
      if (final) {
        await this.#audit.record({
          event: 'logout.backchannel_failed',
          outcome: 'failure',
          client: record.clientId,
          account: record.sub,
          details: { attempts, error: lastError },
        });
      }
    }
  }
}
