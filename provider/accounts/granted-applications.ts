import type { Connection } from 'mongoose';
import type { Provider } from 'oidc-provider';

import { accountGrants } from './revoke-account-grants.ts';

/**
 * The applications an account has granted access to, one entry per application (a user who
 * signed in to it from several browsers has several grants for it), with their display names.
 */
export async function grantedApplications(
  provider: Provider,
  connection: Connection,
  accountId: string,
): Promise<{ clientId: string; name: string }[]> {
  const clientIds = [...new Set((await accountGrants(connection, accountId)).map((grant) => grant.clientId))];
  return Promise.all(
    clientIds.map(async (clientId) => {
      const client = await provider.Client.find(clientId);
      return { clientId, name: client?.clientName ?? clientId };
    }),
  );
}
