import type { PasskeyRecord } from './passkey-model.ts';

/**
 * RFC 8176 method of a passkey: a credential bound to one authenticator is a hardware-secured
 * key (`hwk`); a synced one (backup eligible: iCloud Keychain, Google Password Manager) lives in
 * software that copies it between devices (`swk`).
 */
export function keyMethod(deviceType: PasskeyRecord['deviceType']): 'hwk' | 'swk' {
  return deviceType === 'singleDevice' ? 'hwk' : 'swk';
}

/**
 * The amr of a passkey sign-in without a password: the key, and `user` for the user
 * verification the authenticator did (a PIN or biometric, it does not say which), which together
 * are two factors.
 */
export function passwordlessAmr(deviceType: PasskeyRecord['deviceType']): string[] {
  return [keyMethod(deviceType), 'user', 'mfa'];
}

/** The amr of a first factor (a password, or an upstream sign-in) followed by a passkey. */
export function secondFactorAmr(deviceType: PasskeyRecord['deviceType'], first: 'pwd' | 'fed' = 'pwd'): string[] {
  return [first, keyMethod(deviceType), 'mfa'];
}

/**
 * Whether a session's methods include a second factor of any kind: a code, a passkey, or an
 * upstream sign-in whose acr the operator counts as multi-factor (upstream/federated-login.ts
 * writes `mfa` beside `fed` only then; an upstream's own amr never reaches the session).
 */
export function hasSecondFactor(amr: readonly string[] | undefined): boolean {
  return !!amr && (amr.includes('otp') || usedPasskey(amr) || (amr.includes('fed') && amr.includes('mfa')));
}

/** Whether a session's methods include a passkey: the only phishing-resistant method here. */
export function usedPasskey(amr: readonly string[] | undefined): boolean {
  return !!amr && (amr.includes('hwk') || amr.includes('swk'));
}
