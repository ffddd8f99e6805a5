import type nunjucks from 'nunjucks';

import type { SignUpDeps } from '../../accounts/sign-up.ts';
import type { AuditLog } from '../../security/audit-log.ts';

/** What the sign-up screen needs. */
export interface SignUpScreenDeps extends SignUpDeps {
  views: nunjucks.Environment;
  audit: AuditLog;
}
