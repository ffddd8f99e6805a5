import type { Connection } from 'mongoose';

import { MongoAdapter, oidcModel } from '../../adapters/mongodb.ts';

const GRANT_BOUND_MODELS = ['AccessToken', 'RefreshToken', 'AuthorizationCode', 'DeviceCode', 'BackchannelAuthenticationRequest'];

/**
 * Signs an account out everywhere: every grant it gave (and so every token issued from them,
 * JWT access tokens included, which introspect as inactive once their grant is gone) and every
 * SSO session. Used after a password change or reset (RFC 9700 4.14.2) and by "sign out
 * everywhere". Returns how many grants were revoked.
 */
export async function revokeAccountGrants(connection: Connection, accountId: string): Promise<number> {
  const grants = await oidcModel(connection, 'Grant').find({ 'payload.accountId': accountId }, { _id: 1 }).lean<{ _id: string }[]>();
  for (const { _id: grantId } of grants) {
    await Promise.all(GRANT_BOUND_MODELS.map((model) => new MongoAdapter(connection, model).revokeByGrantId(grantId)));
  }
  await oidcModel(connection, 'Grant').deleteMany({ _id: { $in: grants.map((g) => g._id) } });
  await oidcModel(connection, 'Session').deleteMany({ 'payload.accountId': accountId });
  return grants.length;
}
