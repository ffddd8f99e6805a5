import { oidcModel } from '../../adapters/mongodb.ts';
import { accountModel } from '../accounts/account-model.ts';
import { resourceServerModel } from '../resources/resource-server-model.ts';
import { auditModel } from '../security/audit-model.ts';
import type { AdminDeps } from './admin-deps.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

interface Overview {
  users: number;
  clients: number;
  apis: number;
  /** the last day's sign-ins, failures and lockouts, from the audit log */
  signIns: number;
  failures: number;
  locked: number;
}

/** What the console's first page counts. */
export async function overview(deps: Pick<AdminDeps, 'connection'>): Promise<Overview> {
  const since = new Date(Date.now() - DAY_MS);
  const audit = auditModel(deps.connection);
  const count = (event: string) => audit.countDocuments({ event, at: { $gte: since } });
  const [users, clients, apis, signIns, failures, locked] = await Promise.all([
    accountModel(deps.connection).countDocuments({}),
    oidcModel(deps.connection, 'Client').countDocuments({}),
    resourceServerModel(deps.connection).countDocuments({}),
    count('login.success'),
    count('login.failure'),
    count('login.locked'),
  ]);
  return { users, clients, apis, signIns, failures, locked };
}
