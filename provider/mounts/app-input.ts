import type { Connection } from 'mongoose';
import type nunjucks from 'nunjucks';

import type { Config } from '../config.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { MfaDeps } from '../mfa/mfa-deps.ts';
import type { DatabaseOutage } from '../observability/database-outage.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { ProviderHolder } from '../oidc/provider-holder.ts';
import type { ResourceServerDirectory } from '../resources/resource-server-directory.ts';
import type { AccessDirectory } from '../roles/access-directory.ts';
import type { AuditLog } from '../security/audit-log.ts';
import type { LoginThrottle } from '../security/login-throttle.ts';

/** What startServer hands createApp; every mount reads the parts it needs. */
export interface AppInput {
  config: Config;
  holder: ProviderHolder;
  /** the APIs (shared with the protocol's resource indicators, and its cache) */
  directory: ResourceServerDirectory;
  /** who holds which roles (the console's door) */
  access: AccessDirectory;
  connection: Connection;
  views: nunjucks.Environment;
  logger: Logger;
  mfa: MfaDeps;
  audit: AuditLog;
  throttle: LoginThrottle;
  metrics: Metrics;
  outage: DatabaseOutage;
  mailer: Mailer;
  /** true once the process is shutting down (/readyz answers 503) */
  draining?: () => boolean;
}
