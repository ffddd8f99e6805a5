import type { Connection } from 'mongoose';

import { ensureAdapterIndexes } from '../adapters/mongodb.ts';
import { accountModel } from './accounts/account-model.ts';
import { dynamicClientUseModel } from './clients/dynamic-client-use-model.ts';
import { initialTokenUsesModel } from './clients/initial-token-uses.ts';
import { keyModel } from './keys/key-model.ts';
import { mfaModel } from './mfa/mfa-model.ts';
import { outboxModel } from './mail/outbox-model.ts';
import { accountLinkModel } from './accounts/account-link-model.ts';
import { knownDeviceModel } from './accounts/known-device-model.ts';
import { logoutDeliveryModel } from './logout/logout-delivery-model.ts';
import { challengeModel } from './passkeys/challenge-model.ts';
import { passkeyModel } from './passkeys/passkey-model.ts';
import { auditModel } from './security/audit-model.ts';
import { auditRateModel } from './security/audit-rate-model.ts';
import { loginThrottleModel } from './security/login-throttle-model.ts';
import { rateWindowModel } from './security/rate-window-model.ts';
import { resourceServerModel } from './resources/resource-server-model.ts';
import { identityLinkModel } from './upstream/identity-link-model.ts';
import { idpModel } from './upstream/idp-model.ts';
import { upstreamFlowModel } from './upstream/upstream-flow-model.ts';
import { groupMemberModel } from './roles/group-member-model.ts';
import { groupModel } from './roles/group-model.ts';
import { roleAssignmentModel } from './roles/role-assignment-model.ts';
import { roleModel } from './roles/role-model.ts';
import { upstreamLogoutModel } from './upstream/upstream-logout-model.ts';

/** Creates every index once at start-up (idempotent), since mongoose runs with autoIndex off. */
export async function ensureIndexes(connection: Connection): Promise<void> {
  await Promise.all([
    ensureAdapterIndexes(connection),
    accountModel(connection).createIndexes(),
    keyModel(connection).createIndexes(),
    resourceServerModel(connection).createIndexes(),
    mfaModel(connection).createIndexes(),
    outboxModel(connection).createIndexes(),
    accountLinkModel(connection).createIndexes(),
    knownDeviceModel(connection).createIndexes(),
    logoutDeliveryModel(connection).createIndexes(),
    passkeyModel(connection).createIndexes(),
    challengeModel(connection).createIndexes(),
    auditModel(connection).createIndexes(),
    auditRateModel(connection).createIndexes(),
    loginThrottleModel(connection).createIndexes(),
    rateWindowModel(connection).createIndexes(),
    initialTokenUsesModel(connection).createIndexes(),
    dynamicClientUseModel(connection).createIndexes(),
    idpModel(connection).createIndexes(),
    identityLinkModel(connection).createIndexes(),
    upstreamFlowModel(connection).createIndexes(),
    groupModel(connection).createIndexes(),
    groupMemberModel(connection).createIndexes(),
    roleModel(connection).createIndexes(),
    roleAssignmentModel(connection).createIndexes(),
    upstreamLogoutModel(connection).createIndexes(),
  ]);
}
