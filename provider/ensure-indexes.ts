import type { Connection, Model } from 'mongoose';

import { OIDC_MODELS, oidcModel } from '../adapters/mongodb.ts';
import { accountModel } from './accounts/account-model.ts';
import { dynamicClientUseModel } from './clients/dynamic-client-use-model.ts';
import { initialTokenUsesModel } from './clients/initial-token-uses.ts';
import { keyModel } from './keys/key-model.ts';
import { mfaModel } from './mfa/mfa-model.ts';
import { emailProofModel } from './mfa/email-proof-model.ts';
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
import { principalAccessModel } from './roles/principal-access-model.ts';
import { changeLockModel } from './admin/change-lock-model.ts';
import { upstreamLogoutModel } from './upstream/upstream-logout-model.ts';

/** Every model with indexes: ensureIndexes creates them, the index test reads what they declare. */
export function indexedModels(connection: Connection): Model<never>[] {
  return [
    ...OIDC_MODELS.map((name) => oidcModel(connection, name)),
    accountModel(connection),
    keyModel(connection),
    resourceServerModel(connection),
    mfaModel(connection),
    emailProofModel(connection),
    outboxModel(connection),
    accountLinkModel(connection),
    knownDeviceModel(connection),
    logoutDeliveryModel(connection),
    passkeyModel(connection),
    challengeModel(connection),
    auditModel(connection),
    auditRateModel(connection),
    loginThrottleModel(connection),
    rateWindowModel(connection),
    initialTokenUsesModel(connection),
    dynamicClientUseModel(connection),
    idpModel(connection),
    identityLinkModel(connection),
    upstreamFlowModel(connection),
    groupModel(connection),
    groupMemberModel(connection),
    roleModel(connection),
    roleAssignmentModel(connection),
    upstreamLogoutModel(connection),
    principalAccessModel(connection),
    changeLockModel(connection),
  ] as unknown as Model<never>[];
}

/** Creates every index once at start-up (idempotent), since mongoose runs with autoIndex off. */
export async function ensureIndexes(connection: Connection): Promise<void> {
  await Promise.all(indexedModels(connection).map((model) => model.createIndexes()));
}
