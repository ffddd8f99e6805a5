import { decodeProtectedHeader } from 'jose';

/** The private claim carrying the grant id of a user's JWT access token (see formats.customizers.jwt). */
export const GRANT_CLAIM = 'gid';

/** Whether a presented token is shaped as a JWS (anything else is treated as an opaque token). */
export function looksLikeJwt(token: unknown): token is string {
  if (typeof token !== 'string') return false;
  try {
    return !!decodeProtectedHeader(token);
  } catch {
    return false;
  }
}
