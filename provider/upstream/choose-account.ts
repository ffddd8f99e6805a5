import type { VerifiedIdentity } from './upstream-flow-model.ts';

/** Why an upstream identity may not sign in here. */
type RefusalReason = 'no_email' | 'unverified_email' | 'not_provisioned' | 'disabled';

export type AccountChoice =
  | { kind: 'linked'; accountId: string }
  | { kind: 'create' }
  | { kind: 'prove'; accountId: string }
  | { kind: 'refused'; reason: RefusalReason };

interface Known {
  /** the account this identity is linked to, if any */
  linked?: { accountId: string; disabled: boolean };
  /** the local account with the identity's email, if any */
  sameEmail?: { accountId: string; disabled: boolean };
  /** the upstream may create accounts */
  provision: boolean;
}

/**
 * What an upstream identity signs in as. A linked identity is its account. Otherwise only an
 * email the upstream has verified counts for anything: an unverified one could be anybody's, and an
 * account made for it would let its holder in once the real owner signs up or resets a password
 * (pre-account hijacking). A verified email that is already an account here still links only
 * after the user proves that account (password or passkey) once: email alone never links.
 */
export function chooseAccount(identity: VerifiedIdentity, known: Known): AccountChoice {
  if (known.linked)
    return known.linked.disabled
      ? { kind: 'refused', reason: 'disabled' }
      : { kind: 'linked', accountId: known.linked.accountId };
  if (!identity.email) return { kind: 'refused', reason: 'no_email' };
  if (!identity.emailVerified) return { kind: 'refused', reason: 'unverified_email' };
  if (known.sameEmail)
    return known.sameEmail.disabled
      ? { kind: 'refused', reason: 'disabled' }
      : { kind: 'prove', accountId: known.sameEmail.accountId };
  return known.provision ? { kind: 'create' } : { kind: 'refused', reason: 'not_provisioned' };
}
