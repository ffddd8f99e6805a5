import type { Database } from '../../adapters/database.ts';
import type { Logger } from '../observability/logger.ts';
import { settleByDeadline } from '../settle-by-deadline.ts';
import type { Deliveries } from './deliveries.ts';
import type { Listeners } from './listeners.ts';

export interface ShutdownParts {
  /** SHUTDOWN_TIMEOUT_MS */
  timeoutMs: number;
  listeners: Listeners;
  /** the embedded database's kept contents, if they are */
  kept: { stop(): Promise<void> } | undefined;
  /** timers and pollers, stopped at once */
  stopJobs: (() => void)[];
  deliveries: Deliveries;
  database: Database;
  logger: Logger;
}

/**
 * Everything has until SHUTDOWN_TIMEOUT_MS: the listeners cut what is still open then, and
 * whatever else is still pending is abandoned (one log line) so the process can exit.
 */
export async function shutdown({
  timeoutMs,
  listeners,
  kept,
  stopJobs,
  deliveries,
  database,
  logger,
}: ShutdownParts): Promise<void> {
  const endsAt = Date.now() + timeoutMs;
  const drained = listeners.publicListener.close();
  const metricsClosed = listeners.metricsListener?.close();
  // Development: a snapshot now, before any deadline, and the last one once drained.
  const savedEarly = kept?.stop();
  for (const stop of stopJobs) stop();
  const abandoned = await settleByDeadline(
    {
      'HTTP connections': drained,
      'metrics listener': metricsClosed,
      'mail deliveries': deliveries.mailer.stop(),
      'back-channel logout deliveries': deliveries.logouts.stop(),
    },
    // Not endsAt - now: started after the listeners' own deadlines, this one ends after them.
    timeoutMs,
  );
  // Development waits for its snapshot even past the deadline: stopping must not lose data.
  await savedEarly;
  await kept?.stop();
  abandoned.push(...(await settleByDeadline({ 'database connection': database.close() }, endsAt - Date.now())));
  if (abandoned.length > 0) logger.warn({ abandoned }, `shutdown deadline passed, abandoned: ${abandoned.join(', ')}`);
}
