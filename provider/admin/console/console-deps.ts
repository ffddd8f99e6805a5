import type { Connection } from 'mongoose';
import type nunjucks from 'nunjucks';

import type { AdminDeps } from '../admin-deps.ts';
import type { LiveProvider } from '../../forms/csrf.ts';
import type { AccessDirectory } from '../../roles/access-directory.ts';
import type { AuditLog } from '../../security/audit-log.ts';

/** What the console's pages need. */
export interface ConsoleDeps {
  live: LiveProvider;
  connection: Connection;
  views: nunjucks.Environment;
  audit: AuditLog;
  issuer: string;
  version: string;
  /** whose roles let them in (read fresh: a revoked admin is out at once) */
  access: AccessDirectory;
  keys: AdminDeps['keys'];
  /** ACCOUNT_REAUTH_SECONDS: how recent a sign-in must be for a destructive action */
  reauthSeconds: number;
}
