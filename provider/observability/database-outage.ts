import type { Connection } from 'mongoose';

import { isDatabaseUnavailable } from '../../adapters/database-errors.ts';

import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';

/** Where requests report that they were answered 503 because the database could not be reached. */
export interface DatabaseOutage {
  /** one request answered 503 on `route` (a route name, never a path) */
  unavailable(route: string): void;
  /**
   * a background pass (`job`: logouts, mail, keys, …) failed: an unreachable database is counted
   * like a 503 (the outage itself is logged once); any other failure is logged with `message`
   */
  jobFailed(job: string, err: unknown, message: string): void;
}

/**
 * During an outage every request that needs the database fails the same way: a stack per request
 * buries the log (hundreds of lines a minute). One line when the outage starts, one when the
 * database answers again; each 503 in between is counted in meshid_database_unavailable_total,
 * and so is each background pass that failed for the same reason (route `job:<name>`).
 */
export function watchDatabaseOutage(connection: Connection, metrics: Metrics, logger: Logger): DatabaseOutage {
  let since: number | undefined;
  let requests = 0;
  const answered = () => {
    if (since === undefined) return;
    logger.info({ requests, seconds: Math.round((Date.now() - since) / 1000) }, 'database answers again: outage over');
    since = undefined;
    requests = 0;
  };
  const client = connection.getClient();
  client.on('commandSucceeded', answered);
  client.on('serverHeartbeatSucceeded', answered);
  const outage: DatabaseOutage = {
    unavailable(route) {
      metrics.databaseUnavailable.inc({ route });
      requests += 1;
      if (since !== undefined) return;
      since = Date.now();
      logger.warn(
        { route },
        'database unavailable: answering 503 until it answers again (each counted in meshid_database_unavailable_total)',
      );
    },
    jobFailed(job, err, message) {
      if (isDatabaseUnavailable(err)) outage.unavailable(`job:${job}`);
      else logger.warn({ err, job }, message);
    },
  };
  return outage;
}
