import { ACR_FEDERATED, ACR_MFA } from '../mfa/acr.ts';
import type { ActiveIdp } from './idp-directory.ts';
import type { VerifiedIdentity } from './upstream-flow-model.ts';

/**
 * The session's acr and amr after an upstream sign-in. `fed` (RFC 8176) says the user was
 * authenticated elsewhere. The upstream's own amr is recorded (audit log), not copied here: the
 * local MFA check reads these values, and an upstream's "otp" must not stand in for the local
 * second factor. Only an upstream `acr` the operator listed as multi-factor counts as one.
 */
export function federatedLogin(idp: Pick<ActiveIdp, 'mfaAcrValues'>, identity: Pick<VerifiedIdentity, 'acr'>) {
  const trusted = identity.acr !== undefined && idp.mfaAcrValues.includes(identity.acr);
  return trusted ? { amr: ['fed', 'mfa'], acr: ACR_MFA } : { amr: ['fed'], acr: ACR_FEDERATED };
}
