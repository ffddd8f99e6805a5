import type { Connection } from 'mongoose';

import type { Config } from '../config.ts';
import type { ProviderKeys } from '../keys/key-store.ts';
import { type DatabaseOutage, watchDatabaseOutage } from '../observability/database-outage.ts';
import type { Logger } from '../observability/logger.ts';
import { createMetrics, type Metrics, observeDatabase } from '../observability/metrics.ts';
import { auditKey } from '../security/audit-hash.ts';
import { AuditLog } from '../security/audit-log.ts';

export interface Observers {
  metrics: Metrics;
  outage: DatabaseOutage;
  audit: AuditLog;
}

function keyAges(keys: ProviderKeys): Record<string, number> {
  return Object.fromEntries(
    Object.entries(keys.currentSince).map(([alg, since]) => [alg, (Date.now() - since.getTime()) / 1000]),
  );
}

/** Metrics (database latency and key ages included), one log line per database outage, and the audit log. */
export function startObservability(
  config: Config,
  connection: Connection,
  logger: Logger,
  currentKeys: () => ProviderKeys,
): Observers {
  const metrics = createMetrics(() => keyAges(currentKeys()));
  observeDatabase(connection, metrics);
  const outage = watchDatabaseOutage(connection, metrics, logger);
  const audit = new AuditLog(connection, logger, {
    key: auditKey(config.keys.encryptionKey),
    failuresPerMinute: config.auditFailuresPerMinute,
    onEvent: (event) => metrics.securityEvents.inc({ event: event.event, outcome: event.outcome }),
  });
  return { metrics, outage, audit };
}
