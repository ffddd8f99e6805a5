import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  type PublicKeyCredentialRequestOptionsJSON,
  verifyAuthenticationResponse,
} from '@simplewebauthn/server';

import type { Reservation } from '../security/reserve-attempt.ts';
import { CHALLENGE_SECONDS, storeChallenge, takeChallenge } from './challenges.ts';
import type { ChallengePurpose } from './challenge-model.ts';
import type { PasskeyDeps } from './passkey-deps.ts';
import { passkeyModel, type PasskeyRecord } from './passkey-model.ts';

/** The ceremonies that ask for an existing passkey. */
type AssertionPurpose = Extract<ChallengePurpose, 'sign-in' | 'second-factor' | 'confirm'>;

export type PasskeyCheck =
  | { ok: true; accountId: string; passkey: Pick<PasskeyRecord, '_id' | 'name' | 'deviceType'> }
  | {
      ok: false;
      /**
       * unknown: no such passkey (or not this account's); challenge: unknown, spent, expired or
       * not this ceremony's; invalid: signature, origin, RP ID, user verification or counter wrong;
       * throttled: too many failures, refused unchecked
       */
      reason: 'unknown' | 'challenge' | 'invalid' | 'throttled';
      accountId?: string;
      retryAfter?: number;
    };

/**
 * Options for navigator.credentials.get(). A passwordless sign-in names no credentials (the
 * authenticator offers its discoverable ones for this RP ID) and needs user verification; the
 * second factor and a confirmation name the account's own passkeys.
 */
export async function authenticationOptions(
  deps: PasskeyDeps,
  request: { purpose: AssertionPurpose; subject: string; accountId?: string },
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const passkeys = request.accountId
    ? await passkeyModel(deps.connection)
        .find({ accountId: request.accountId }, { transports: 1 })
        .lean<Pick<PasskeyRecord, '_id' | 'transports'>[]>()
    : [];
  const options = await generateAuthenticationOptions({
    rpID: deps.webauthn.rpId,
    timeout: CHALLENGE_SECONDS * 1000,
    allowCredentials: passkeys.map((passkey) => ({
      id: passkey._id,
      transports: passkey.transports as ('usb' | 'nfc' | 'ble' | 'internal' | 'hybrid')[],
    })),
    userVerification: request.purpose === 'sign-in' ? 'required' : 'preferred',
  });
  await storeChallenge(deps.connection, options.challenge, request);
  return options;
}

/**
 * Checks an assertion. The passkey must exist (and belong to `accountId` when the ceremony is
 * for a known account); `reserve` counts the attempt against its account before anything is
 * checked; the challenge is taken once, for this purpose and subject; origin and RP ID must be
 * exactly ours; a passwordless sign-in needs user verification; a signature counter that did not
 * move forward is refused (a cloned authenticator), and moving it is a compare-and-set, so the
 * same assertion cannot be accepted twice.
 */
export async function verifyPasskey(
  deps: PasskeyDeps,
  input: {
    purpose: AssertionPurpose;
    subject: string;
    response: AuthenticationResponseJSON;
    accountId?: string;
    reserve?: (accountId: string) => Promise<Reservation>;
  },
): Promise<PasskeyCheck> {
  const Passkey = passkeyModel(deps.connection);
  const id = typeof input.response?.id === 'string' ? input.response.id : '';
  const passkey = id ? await Passkey.findById(id).lean<PasskeyRecord>() : null;
  if (!passkey || (input.accountId !== undefined && passkey.accountId !== input.accountId)) {
    return { ok: false, reason: 'unknown', accountId: input.accountId };
  }
  const accountId = passkey.accountId;
  // The authenticator's user handle, when it sends one, must name the passkey's own account.
  const handle: unknown = input.response.response?.userHandle;
  if (handle !== undefined && handle !== null && handle !== '' && !sameAccount(handle, accountId)) {
    return { ok: false, reason: 'invalid', accountId };
  }
  if (input.reserve) {
    const reservation = await input.reserve(accountId);
    if (!reservation.ok) return { ok: false, reason: 'throttled', accountId, retryAfter: reservation.retryAfter };
  }

  let challengeOk = false;
  let newCounter: number;
  try {
    const verification = await verifyAuthenticationResponse({
      response: input.response,
      expectedChallenge: async (challenge) => {
        const taken = await takeChallenge(deps.connection, challenge, {
          purpose: input.purpose,
          subject: input.subject,
        });
        // A challenge issued for one account's passkeys is not an answer for another account's.
        challengeOk = taken !== undefined && (taken.accountId === undefined || taken.accountId === accountId);
        return challengeOk;
      },
      expectedOrigin: deps.webauthn.origin,
      expectedRPID: deps.webauthn.rpId,
      credential: {
        id: passkey._id,
        publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')),
        counter: passkey.counter,
      },
      requireUserVerification: input.purpose === 'sign-in',
    });
    if (!verification.verified) return { ok: false, reason: 'invalid', accountId };
    newCounter = verification.authenticationInfo.newCounter;
  } catch {
    return { ok: false, reason: challengeOk ? 'invalid' : 'challenge', accountId };
  }
  const claimed = await Passkey.updateOne(
    { _id: passkey._id, counter: passkey.counter },
    { $set: { counter: newCounter, lastUsedAt: new Date() } },
  );
  if (claimed.matchedCount !== 1) return { ok: false, reason: 'invalid', accountId };
  return { ok: true, accountId, passkey: { _id: passkey._id, name: passkey.name, deviceType: passkey.deviceType } };
}

function sameAccount(userHandle: unknown, accountId: string): boolean {
  return typeof userHandle === 'string' && Buffer.from(userHandle, 'base64url').toString('utf8') === accountId;
}
