import type { Connection } from 'mongoose';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of one provider process (a registry of its own, so several servers in one
 * test process do not mix). Labels are kept to bounded sets: route names, never paths or ids.
 */
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'route' | 'method' | 'status'>;
  httpDuration: Histogram<'route' | 'method'>;
  tokensIssued: Counter<'grant_type'>;
  securityEvents: Counter<'event' | 'outcome'>;
  databaseDuration: Histogram<'command' | 'outcome'>;
  /** mail delivery attempts: sent, retry (will try again), given_up */
  mail: Counter<'kind' | 'outcome'>;
  /** back-channel logout deliveries: delivered, retry, given_up */
  backchannelLogouts: Counter<'outcome'>;
  /** requests answered 503 because the database could not be reached, by route */
  databaseUnavailable: Counter<'route'>;
}

export function createMetrics(keyAges: () => Record<string, number>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'meshid_' });
  const registers = [registry];
  const metrics: Metrics = {
    registry,
    httpRequests: new Counter({
      name: 'meshid_http_requests_total',
      help: 'HTTP requests by route, method and status',
      labelNames: ['route', 'method', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'meshid_http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['route', 'method'],
      registers,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    }),
    tokensIssued: new Counter({
      name: 'meshid_tokens_issued_total',
      help: 'Successful token endpoint grants by grant type',
      labelNames: ['grant_type'],
      registers,
    }),
    securityEvents: new Counter({
      name: 'meshid_security_events_total',
      labelNames: ['event', 'outcome'],
      registers,
      help: 'Audited security events: sign-ins, lockouts, MFA outcomes, consents, token exchanges',
    }),
    mail: new Counter({
      name: 'meshid_mail_deliveries_total',
      help: 'Mail delivery attempts by template and outcome (sent, retry, given_up)',
      labelNames: ['kind', 'outcome'],
      registers,
    }),
    backchannelLogouts: new Counter({
      name: 'meshid_backchannel_logouts_total',
      help: 'Back-channel logout token deliveries by outcome (delivered, retry, given_up)',
      labelNames: ['outcome'],
      registers,
    }),
    databaseUnavailable: new Counter({
      name: 'meshid_database_unavailable_total',
      help: 'Requests answered 503 because the database could not be reached, by route',
      labelNames: ['route'],
      registers,
    }),
    databaseDuration: new Histogram({
      name: 'meshid_db_operation_duration_seconds',
      help: 'MongoDB command latency by command',
      labelNames: ['command', 'outcome'],
      registers,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    }),
  };
  new Gauge({
    name: 'meshid_signing_key_age_seconds',
    help: 'Age of the current signing key per algorithm',
    labelNames: ['alg'],
    registers,
    collect() {
      for (const [alg, seconds] of Object.entries(keyAges())) this.set({ alg }, seconds);
    },
  });
  return metrics;
}

/** Times every MongoDB command through the driver's command monitoring. */
export function observeDatabase(connection: Connection, metrics: Metrics): void {
  const client = connection.getClient();
  const record = (event: { commandName: string; duration: number }, outcome: string) => {
    metrics.databaseDuration.observe({ command: event.commandName, outcome }, event.duration / 1000);
  };
  client.on('commandSucceeded', (event) => record(event, 'ok'));
  client.on('commandFailed', (event) => record(event, 'error'));
}
