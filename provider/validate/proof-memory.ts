/** How far from now a DPoP proof's iat may be (oauth4webapi refuses |now - iat| > 300). */
export const PROOF_WINDOW_SECONDS = 300;
/** Room for instances whose clocks differ a little: one may still accept what another let go. */
const CLOCK_SKEW_SECONDS = 60;

/**
 * Until when (epoch seconds) a used proof's jti must be remembered: iat may lie up to the window
 * in the future as well as in the past, so a proof stays acceptable until iat + window; kept
 * past that by the clock skew, and never less than a window from now.
 *
 * @example proofRememberedUntil(now - 300, now) // now + 360: not iat + 300 (= now, forgotten at once)
 */
export function proofRememberedUntil(iat: number, now: number): number {
  return Math.max(iat, now) + PROOF_WINDOW_SECONDS + CLOCK_SKEW_SECONDS;
}
