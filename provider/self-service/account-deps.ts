import type { InteractionDeps } from '../interactions/interaction-deps.ts';

/** The account pages need what the sign-in screens need, and the issuer to build URLs. */
export interface AccountDeps extends InteractionDeps {
  issuer: string;
  passwordMinLength: number;
  /** ACCOUNT_REAUTH_SECONDS: how recent a sign-in must be for a sensitive change */
  reauthSeconds: number;
}
