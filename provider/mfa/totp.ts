import { generateSecret, generateURI, verify } from 'otplib';

/** RFC 6238 with the authenticator-app defaults: SHA-1, 6 digits, 30-second steps. */
const PERIOD = 30;

export function newTotpSecret(): string {
  return generateSecret();
}

/** The otpauth:// URI an authenticator app scans. */
export function totpUri(secret: string, account: string, issuer: string): string {
  return generateURI({ issuer, label: account, secret });
}

/**
 * The time step a code belongs to, or undefined when it is wrong. One step of clock drift
 * either way is accepted; `afterStep` refuses codes of that step or earlier (replays).
 */
export async function checkTotp(
  secret: string,
  code: string,
  afterStep: number,
  now = Date.now(),
): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  try {
    const result = await verify({
      secret,
      token: code,
      epoch: Math.floor(now / 1000),
      epochTolerance: PERIOD,
      afterTimeStep: afterStep,
    });
    // The TOTP strategy always reports the matched step (the result type also covers HOTP).
    return result.valid && 'timeStep' in result ? (result.timeStep as number) : undefined;
  } catch {
    return undefined;
  }
}
