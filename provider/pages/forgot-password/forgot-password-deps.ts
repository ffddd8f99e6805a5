import type nunjucks from 'nunjucks';

import type { PasswordResetDeps } from '../../accounts/password-reset.ts';
import type { AuditLog } from '../../security/audit-log.ts';

/** What the forgot-password screens need. */
export interface ForgotPasswordDeps extends PasswordResetDeps {
  views: nunjucks.Environment;
  audit: AuditLog;
}
