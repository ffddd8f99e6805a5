import type nunjucks from 'nunjucks';

import type { VerificationDeps } from '../../accounts/email-verification.ts';
import type { AuditLog } from '../../security/audit-log.ts';

/** What the email-verification screens need. */
export interface VerifyEmailDeps extends VerificationDeps {
  views: nunjucks.Environment;
  audit: AuditLog;
}
