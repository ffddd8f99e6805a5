import type { NotifyDeps } from '../mail/notify-account.ts';
import { notifyAccount } from '../mail/notify-account.ts';
import type { AuditLog } from '../security/audit-log.ts';
import { type ActivationResult, activateEnrollment } from './enrollment.ts';
import { spendEmailProof } from './enrollment-email-proof.ts';
import type { MfaDeps } from './mfa-deps.ts';

interface EnrollTotpDeps {
  mfa: MfaDeps;
  notify: NotifyDeps;
  audit: Pick<AuditLog, 'record'>;
}

/** The request that enrolled, for the audit record. */
interface EnrollingRequest {
  ip: string;
  requestId: string;
}

/**
 * Turns the authenticator app on with its first code, for the sign-in screen and the account
 * page alike: the pending secret is activated, the email proof spent, the change audited and
 * the account told. A wrong or late code changes nothing.
 */
export async function enrollTotp(
  deps: EnrollTotpDeps,
  accountId: string,
  code: string,
  request: EnrollingRequest,
): Promise<ActivationResult> {
  const activation = await activateEnrollment(deps.mfa, accountId, code);
  if (!activation.activated) return activation;
  await spendEmailProof(deps, accountId);
  await deps.audit.record({
    event: 'mfa.enrolled',
    outcome: 'success',
    account: accountId,
    ip: request.ip,
    requestId: request.requestId,
  });
  await notifyAccount(deps.notify, accountId, 'mfa_added');
  return activation;
}
