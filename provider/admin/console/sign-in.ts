import { finishFirstPartySignIn, startFirstPartySignIn } from '../../forms/first-party-sign-in.ts';
import { ACR_MFA } from '../../mfa/acr.ts';
import { CONSOLE_CLIENT_ID, consoleCallbackUrl } from './console-client.ts';

/**
 * GET /admin/login — the console client's sign-in asking for a second factor (acr mfa): an admin
 * without one enrolls it on the way in. /admin/reauthenticate adds prompt=login.
 */
export function startConsoleSignIn(issuer: string, extra: Record<string, string> = {}) {
  return startFirstPartySignIn(
    issuer,
    { clientId: CONSOLE_CLIENT_ID, redirectUri: consoleCallbackUrl(issuer) },
    { acr_values: ACR_MFA, ...extra },
  );
}

/** GET /admin/callback — the session exists now; a cancelled sign-in is shown as such. */
export const finishConsoleSignIn = finishFirstPartySignIn('/admin');
