import type { Connection } from 'mongoose';
import type { Provider } from 'oidc-provider';

import { registerClient } from '../clients/register-client.ts';

import { ACCOUNT_CLIENT_ID } from '../clients/built-in-clients.ts';

/** The built-in client through which the account pages send a visitor to sign in. */
export { ACCOUNT_CLIENT_ID };

export function accountCallbackUrl(issuer: string): string {
  return `${issuer}/account/callback`;
}

/**
 * Registers (or updates, if the issuer moved) the account pages' own client: first-party (no
 * consent), public, code flow. It needs no tokens: signing in establishes the SSO session,
 * which is all the account pages read.
 */
export async function ensureAccountClient(provider: Provider, connection: Connection, issuer: string): Promise<void> {
  await registerClient(provider, connection, {
    client_id: ACCOUNT_CLIENT_ID,
    client_name: 'Your account',
    redirect_uris: [accountCallbackUrl(issuer)],
    post_logout_redirect_uris: [`${issuer}/account`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    first_party: true,
  });
}
