import type { Connection } from 'mongoose';
import type { Provider } from 'oidc-provider';

import { registerClient } from '../../clients/register-client.ts';

import { CONSOLE_CLIENT_ID } from '../../clients/built-in-clients.ts';

/** The built-in client through which the console sends an administrator to sign in. */
export { CONSOLE_CLIENT_ID };

export const consoleCallbackUrl = (issuer: string) => `${issuer}/admin/callback`;

/**
 * The console is a first-party client of this provider, signing in through the same screens,
 * MFA policy and code flow as any app; like the account pages it needs no tokens, only the SSO
 * session the sign-in establishes.
 */
export async function ensureConsoleClient(provider: Provider, connection: Connection, issuer: string): Promise<void> {
  await registerClient(provider, connection, {
    client_id: CONSOLE_CLIENT_ID,
    client_name: 'Admin console',
    redirect_uris: [consoleCallbackUrl(issuer)],
    post_logout_redirect_uris: [`${issuer}/admin`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    first_party: true,
    require_mfa: true,
  });
}
