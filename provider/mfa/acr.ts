/**
 * Authentication context class references this provider issues and accepts in `acr_values`
 * (published in discovery as acr_values_supported).
 */
export const ACR_PASSWORD = 'urn:meshid:acr:pwd';
export const ACR_MFA = 'urn:meshid:acr:mfa';
export const ACR_VALUES = [ACR_PASSWORD, ACR_MFA];

/** RFC 8176 method references for a password alone and for password plus a one-time code. */
export const AMR_PASSWORD = ['pwd'];
export const AMR_MFA = ['pwd', 'otp', 'mfa'];

export function asksForMfa(acrValues: unknown): boolean {
  return typeof acrValues === 'string' && acrValues.split(' ').includes(ACR_MFA);
}
