import type { Connection } from 'mongoose';

import type { Config } from '../config.ts';
import { LogoutDeliveries } from '../logout/deliver-logouts.ts';
import { Mailer } from '../mail/mailer.ts';
import type { Logger } from '../observability/logger.ts';
import type { ProviderHolder } from '../oidc/provider-holder.ts';
import type { Observers } from './observability.ts';

export interface Deliveries {
  mailer: Mailer;
  logouts: LogoutDeliveries;
}

/** The mail outbox and the back-channel logout deliveries, working from now on (mail already due is tried at once). */
export function startDeliveries(
  config: Config,
  connection: Connection,
  holder: ProviderHolder,
  logger: Logger,
  { metrics, outage, audit }: Observers,
): Deliveries {
  const mailer = new Mailer({ connection, config: config.mail, logger, metrics, outage });
  mailer.start();
  const logouts = new LogoutDeliveries({ connection, live: holder, logger, metrics, audit, outage });
  logouts.start();
  void mailer.deliverDue().catch((err: unknown) => logger.warn({ err }, 'mail: due mails not tried at start-up'));
  return { mailer, logouts };
}
