import { finishFirstPartySignIn, startFirstPartySignIn } from '../forms/first-party-sign-in.ts';
import { ACCOUNT_CLIENT_ID, accountCallbackUrl } from './account-client.ts';

/**
 * GET /account/login — signs the visitor in through the same screens (and MFA policy) as for any
 * application. A session that has only done the password step meets the provider's mfa prompt here.
 * GET /account/reauthenticate passes prompt=login: the password (and then the second factor) is
 * asked again even in a signed-in session, which refreshes its authentication time.
 */
export function startAccountSignIn(issuer: string, extra: Record<string, string> = {}) {
  return startFirstPartySignIn(issuer, { clientId: ACCOUNT_CLIENT_ID, redirectUri: accountCallbackUrl(issuer) }, extra);
}

/** GET /account/callback — the session now exists; an error (such as a cancel) is shown. */
export const finishAccountSignIn = finishFirstPartySignIn('/account');
