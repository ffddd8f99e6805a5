import type { Connection } from 'mongoose';

import { DynamicClientLifetime } from '../clients/dynamic-client-lifetime.ts';
import type { Config } from '../config.ts';
import type { DatabaseOutage } from '../observability/database-outage.ts';
import type { Logger } from '../observability/logger.ts';

interface ClientSweep {
  /** what the provider records self-registered clients' use in; undefined when registration is off */
  dynamicClients: DynamicClientLifetime | undefined;
  stop(): void;
}

/** Self-registered clients unused for REGISTRATION_UNUSED_DAYS are swept out, now and hourly. */
export function startClientSweep(
  config: Config,
  connection: Connection,
  logger: Logger,
  outage: DatabaseOutage,
): ClientSweep {
  const dynamicClients =
    config.registration === 'off' ? undefined : new DynamicClientLifetime(connection, config.registrationUnusedDays);
  const sweepClients = () =>
    dynamicClients
      ?.sweep()
      .then((deleted) => deleted.length && logger.info({ deleted }, 'unused self-registered clients deleted'))
      .catch((err: unknown) => outage.jobFailed('client-sweep', err, 'unused self-registered clients not swept'));
  void sweepClients();
  const clientSweep = setInterval(sweepClients, 60 * 60 * 1000);
  clientSweep.unref();
  return { dynamicClients, stop: () => clearInterval(clientSweep) };
}
