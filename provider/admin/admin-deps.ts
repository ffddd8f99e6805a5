import type { Connection } from 'mongoose';
import type { Provider } from 'oidc-provider';

import type { AuditLog } from '../security/audit-log.ts';

/** Who made an administrative change, and through what: it goes into every audit record. */
export interface AdminActor {
  via: 'cli' | 'api' | 'console' | 'config';
  /** the person (account id) or service (client id) behind an API call or a console action */
  sub?: string;
  client?: string;
  ip?: string;
  requestId?: string;
}

/**
 * What every administrative service needs. The admin CLI, the admin API and the console build
 * one each and call the same functions: one code path, one validation, one audit record.
 */
export interface AdminDeps {
  connection: Connection;
  audit: AuditLog;
  /** an oidc-provider to validate client metadata with (the running one, or the CLI's throwaway) */
  provider: () => Promise<Provider> | Provider;
  actor: AdminActor;
  /** this provider's issuer: its own admin API is not the services' to change */
  issuer: string;
  /** KEY_ENCRYPTION_KEY and the retention of retired keys, for key rotation */
  keys: { encryptionKey: Uint8Array; retiredRetentionSeconds: number };
}

/** Refusals of the admin services: the CLI prints the message, the API answers a problem document. */
export class AdminProblem extends Error {
  readonly status: number;
  readonly type: string;
  constructor(status: number, type: string, message: string) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

export const notFound = (what: string) => new AdminProblem(404, 'not-found', `no ${what}`);
export const invalid = (message: string) => new AdminProblem(400, 'invalid-request', message);
export const conflict = (message: string) => new AdminProblem(409, 'conflict', message);

/** Appends an administrative event with its actor. `target` names what it changed. */
export async function recordAdmin(
  deps: AdminDeps,
  event: string,
  target: { account?: string; client?: string; details?: Record<string, unknown> } = {},
): Promise<void> {
  const { via, sub, client, ip, requestId } = deps.actor;
  await deps.audit.append({
    event,
    outcome: 'success',
    ...(target.account ? { account: target.account } : {}),
    ...(target.client ? { client: target.client } : {}),
    ...(ip ? { ip } : {}),
    ...(requestId ? { requestId } : {}),
    details: { ...target.details, by: { via, ...(sub ? { sub } : {}), ...(client ? { client } : {}) } },
  });
}
