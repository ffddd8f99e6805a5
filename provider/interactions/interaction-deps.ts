import type { Connection } from 'mongoose';
import type nunjucks from 'nunjucks';
import type { Provider } from 'oidc-provider';

import type { MfaDeps } from '../mfa/mfa-deps.ts';
import type { Logger } from '../observability/logger.ts';
import type { AuditLog } from '../security/audit-log.ts';
import type { LoginThrottle } from '../security/login-throttle.ts';

/** What the interaction routes need from the rest of the provider. */
export interface InteractionDeps {
  readonly provider: Provider;
  connection: Connection;
  views: nunjucks.Environment;
  logger: Logger;
  /** the current cookie key: new CSRF tokens are keyed with it */
  readonly csrfSecret: string;
  /** every cookie key still valid: a token keyed with any of them is accepted (key rotation) */
  csrfSecrets: () => string[];
  mfa: MfaDeps;
  audit: AuditLog;
  throttle: LoginThrottle;
}
