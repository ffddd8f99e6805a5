/**
 * Authentication context class references this provider issues and accepts in `acr_values`
 * (published in discovery as acr_values_supported). pwd and fed are single-factor; mfa satisfies
 * both, and phr satisfies mfa.
 */
export const ACR_PASSWORD = 'urn:meshid:acr:pwd';
/** Signed in through an upstream identity provider, which did not (by configuration) count as a second factor. */
export const ACR_FEDERATED = 'urn:meshid:acr:fed';
export const ACR_MFA = 'urn:meshid:acr:mfa';
/** Phishing-resistant: a passkey was used (its signature covers our origin, so a look-alike site gets nothing). */
export const ACR_PHISHING_RESISTANT = 'urn:meshid:acr:phr';
export const ACR_VALUES = [ACR_PASSWORD, ACR_FEDERATED, ACR_MFA, ACR_PHISHING_RESISTANT];

/** RFC 8176 method references for a password alone and for password plus a one-time code. */
export const AMR_PASSWORD = ['pwd'];
export const AMR_MFA = ['pwd', 'otp', 'mfa'];

/** The first factor of a session: its upstream (`fed`) when it came through one, else the password. */
export function firstFactorOf(amr: readonly string[] | undefined): 'fed' | 'pwd' {
  return amr?.includes('fed') ? 'fed' : 'pwd';
}

/** The amr after a one-time code (TOTP or recovery) on top of the session's first factor. */
export function codeAmr(prior: readonly string[] | undefined): string[] {
  return [firstFactorOf(prior), 'otp', 'mfa'];
}

function asks(acrValues: unknown, acr: string): boolean {
  return typeof acrValues === 'string' && acrValues.split(' ').includes(acr);
}

/** Whether `acr_values` asks for a second factor (a phishing-resistant sign-in is one too). */
export function asksForMfa(acrValues: unknown): boolean {
  return asks(acrValues, ACR_MFA) || asks(acrValues, ACR_PHISHING_RESISTANT);
}

export function asksForPhishingResistant(acrValues: unknown): boolean {
  return asks(acrValues, ACR_PHISHING_RESISTANT);
}
