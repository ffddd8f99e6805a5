const HOUR_SECONDS = 60 * 60;

/** Seconds before the next try after `attempts` failed ones: the base, doubling, at most an hour. */
export function retryDelay(attempts: number, baseSeconds: number): number {
  return Math.min(HOUR_SECONDS, baseSeconds * 2 ** Math.max(0, attempts - 1));
}
