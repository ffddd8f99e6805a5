import type { Connection } from 'mongoose';

import { ADMIN_ROLE, adminApiIndicator, VIEWER_ROLE } from '../admin/admin-api-resource.ts';
import type { MfaPolicy } from '../config.ts';
import { rolesAt } from '../roles/access-rules.ts';
import { principalAccessModel, userPrincipal } from '../roles/principal-access-model.ts';
import { hasEmailProof } from './enrollment-email-proof.ts';
import type { MfaDeps } from './mfa-deps.ts';
import { hasAnyFactor, mfaStatus } from './mfa-status.ts';

/** Whether the account holds the console's admin or viewer role (read afresh, as the console's door does). */
async function isConsoleUser(connection: Connection, issuer: string, accountId: string): Promise<boolean> {
  const record = await principalAccessModel(connection).findById(userPrincipal(accountId), { roles: 1 }).lean();
  const roles = rolesAt({ groups: [], roles: record?.roles ?? [] }, adminApiIndicator(issuer));
  return roles.includes(ADMIN_ROLE) || roles.includes(VIEWER_ROLE);
}

/**
 * Whether setting up this account's second factor needs its email proven first: it has none
 * yet, and either every account must have one (MFA_POLICY=required) or it may use the admin
 * console. There the first factor is what stands between the password and everything; whoever
 * knows only the password would otherwise enroll their own app and own the account for good.
 */
async function firstFactorNeedsEmailProof(
  deps: { connection: Connection; issuer: string; policy: MfaPolicy },
  accountId: string,
): Promise<boolean> {
  if (hasAnyFactor(await mfaStatus(deps.connection, accountId))) return false;
  return deps.policy === 'required' || isConsoleUser(deps.connection, deps.issuer, accountId);
}

/**
 * Whether `subject` (a sign-in or an account session) may set up a factor for this account
 * now: no email proof is needed, or this subject entered the mailed code.
 */
export async function mayEnrollFactor(
  deps: { mfa: MfaDeps; notify: { issuer: string }; mfaPolicy: MfaPolicy },
  accountId: string,
  subject: string,
): Promise<boolean> {
  const rule = { connection: deps.mfa.connection, issuer: deps.notify.issuer, policy: deps.mfaPolicy };
  return !(await firstFactorNeedsEmailProof(rule, accountId)) || hasEmailProof(deps, accountId, subject);
}
