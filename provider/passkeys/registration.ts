import {
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';

import { CHALLENGE_SECONDS, storeChallenge, takeChallenge } from './challenges.ts';
import type { PasskeyDeps } from './passkey-deps.ts';
import { passkeyModel, type PasskeyRecord } from './passkey-model.ts';
import { passkeyName } from './passkey-name.ts';

export type RegistrationResult =
  | { ok: true; passkey: Pick<PasskeyRecord, '_id' | 'name' | 'deviceType' | 'aaguid'> }
  | {
      ok: false;
      /** challenge: unknown, spent or expired; invalid: the response did not verify; model: not an allowed authenticator; duplicate: already registered */
      reason: 'challenge' | 'invalid' | 'model' | 'duplicate';
      aaguid?: string;
    }
  /** name: the name was refused (problem says why), before the challenge was taken */
  | { ok: false; reason: 'name'; problem: string };

/**
 * Options for navigator.credentials.create(): a discoverable credential (so it can sign in
 * without an email), user verification preferred, the account's existing passkeys excluded
 * (an authenticator that has one says so instead of making a second). The challenge is stored,
 * bound to the account session that asked.
 */
export async function registrationOptions(
  deps: PasskeyDeps,
  who: { accountId: string; email: string; subject: string },
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const existing = await passkeyModel(deps.connection)
    .find({ accountId: who.accountId }, { transports: 1 })
    .lean<Pick<PasskeyRecord, '_id' | 'transports'>[]>();
  const options = await generateRegistrationOptions({
    rpName: deps.webauthn.rpName,
    rpID: deps.webauthn.rpId,
    userName: who.email,
    userID: new TextEncoder().encode(who.accountId),
    timeout: CHALLENGE_SECONDS * 1000,
    // Attestation is only worth asking for when an allow-list of authenticator models reads it.
    attestationType: deps.webauthn.allowedAaguids.length > 0 ? 'direct' : 'none',
    excludeCredentials: existing.map((passkey) => ({
      id: passkey._id,
      transports: passkey.transports as AuthenticatorTransport[],
    })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
  });
  await storeChallenge(deps.connection, options.challenge, {
    purpose: 'register',
    subject: who.subject,
    accountId: who.accountId,
  });
  return options;
}

type AuthenticatorTransport = 'ble' | 'cable' | 'hybrid' | 'internal' | 'nfc' | 'smart-card' | 'usb';

/**
 * Verifies the browser's answer to registrationOptions() and stores the passkey. The challenge
 * is taken (single use) for this subject and account; origin and RP ID must be exactly ours.
 */
export async function registerPasskey(
  deps: PasskeyDeps,
  input: { accountId: string; subject: string; response: RegistrationResponseJSON; name: string },
): Promise<RegistrationResult> {
  const named = passkeyName(input.name);
  if ('problem' in named) return { ok: false, reason: 'name', problem: named.problem };
  let challengeOk = false;
  let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verification = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: async (challenge) => {
        const taken = await takeChallenge(deps.connection, challenge, { purpose: 'register', subject: input.subject });
        challengeOk = taken?.accountId === input.accountId;
        return challengeOk;
      },
      expectedOrigin: deps.webauthn.origin,
      expectedRPID: deps.webauthn.rpId,
      requireUserVerification: false,
    });
  } catch {
    return { ok: false, reason: challengeOk ? 'invalid' : 'challenge' };
  }
  if (!verification.verified) return { ok: false, reason: 'invalid' };
  const info = verification.registrationInfo;
  const aaguid = info.aaguid.toLowerCase();
  const allowed = deps.webauthn.allowedAaguids;
  // An allow-list trusts the model only as far as the attestation proves it: `none` proves nothing.
  if (allowed.length > 0 && (info.fmt === 'none' || !allowed.includes(aaguid))) {
    return { ok: false, reason: 'model', aaguid };
  }
  const record: PasskeyRecord = {
    _id: info.credential.id,
    accountId: input.accountId,
    publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
    counter: info.credential.counter,
    transports: info.credential.transports ?? [],
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
    aaguid,
    name: named.name,
    createdAt: new Date(),
    lastUsedAt: null,
  };
  try {
    await passkeyModel(deps.connection).insertMany([record]);
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return { ok: false, reason: 'duplicate' };
    throw err;
  }
  return { ok: true, passkey: { _id: record._id, name: record.name, deviceType: record.deviceType, aaguid } };
}
