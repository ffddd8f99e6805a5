import { Counter } from 'prom-client';

import { Mailer } from '../../provider/mail/mailer.ts';
import type { NotifyDeps } from '../../provider/mail/notify-account.ts';
import { createLogger } from '../../provider/observability/logger.ts';
import { AdminError, type AdminContext } from './admin-context.ts';

/**
 * Runs `work` with the provider's mail setup: the mails go into the shared outbox and the CLI
 * makes the first delivery attempt before it exits; a failed one is retried by the running
 * provider. Refused when the configuration has no mail (production without SMTP_URL).
 */
export async function withMail<T>(ctx: AdminContext, work: (deps: NotifyDeps) => Promise<T>): Promise<T> {
  if (ctx.config.mail.mode === 'off') throw new AdminError('this sends mail: set SMTP_URL');
  const logger = createLogger('silent');
  const mailer = new Mailer({
    connection: ctx.connection,
    config: ctx.config.mail,
    logger,
    // The CLI exports no metrics: a counter nobody reads.
    metrics: { mail: new Counter({ name: 'mail', help: 'mail', labelNames: ['kind', 'outcome'], registers: [] }) },
  });
  try {
    return await work({
      connection: ctx.connection,
      mailer,
      logger,
      issuer: ctx.config.issuer,
      product: ctx.config.mfa.issuerName,
    });
  } finally {
    await mailer.stop();
  }
}
