/** Wrong codes allowed in a row before attempts are refused for a while. */
export const FREE_ATTEMPTS = 5;
const BASE_SECONDS = 30;
const MAX_SECONDS = 15 * 60;

/** Seconds to refuse attempts after this many failures in a row: 0, then 30 s doubling to 15 min. */
export function lockoutDelay(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  return Math.min(MAX_SECONDS, BASE_SECONDS * 2 ** (failures - FREE_ATTEMPTS));
}
