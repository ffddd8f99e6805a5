import type { Connection } from 'mongoose';

import { clientChanges } from '../../adapters/client-changes.ts';
import type { Config } from '../config.ts';
import { startKeyReloader } from '../keys/key-reloader.ts';
import type { Logger } from '../observability/logger.ts';
import type { ProviderHolder } from '../oidc/provider-holder.ts';
import type { Observers } from './observability.ts';

interface BackgroundJobs {
  /** checks for rotated keys now instead of at the next tick */
  reloadKeys(): Promise<void>;
  stop(): void;
}

/** The minutely audit summary, the client change poll and the key reloader. */
export function startBackgroundJobs(
  config: Config,
  connection: Connection,
  live: ProviderHolder,
  logger: Logger,
  { audit, outage }: Observers,
): BackgroundJobs {
  const auditFlush = setInterval(() => {
    audit
      .flushSuppressed()
      .catch((err: unknown) => outage.jobFailed('audit', err, 'audit: summary of suppressed events not written yet'));
  }, 60_000);
  auditFlush.unref();
  // Every CLIENT_CHANGE_SECONDS, one small read: a client changed elsewhere drops this instance's caches.
  const changes = clientChanges(connection);
  // One line when reading starts failing and one when it recovers, not one per tick of an outage.
  let markerUnread = false;
  const pollClientChanges = () =>
    changes.poll().then(
      () => {
        if (markerUnread) logger.info('client change marker read again');
        markerUnread = false;
      },
      (err: unknown) => {
        if (!markerUnread) logger.warn({ err }, 'client change marker not read');
        markerUnread = true;
      },
    );
  void pollClientChanges();
  const clientChangePoll = setInterval(pollClientChanges, config.clientChangeSeconds * 1000);
  clientChangePoll.unref();
  const reloader = startKeyReloader({
    connection,
    config: config.keys,
    logger,
    current: () => live.keys,
    onChange: (fresh) => live.replace(fresh),
    outage,
  });
  return {
    reloadKeys: reloader.check,
    stop() {
      reloader.stop();
      clearInterval(auditFlush);
      clearInterval(clientChangePoll);
    },
  };
}
