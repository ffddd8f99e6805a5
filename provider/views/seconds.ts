/** "1 second", "30 seconds": a wait as a user reads it. */
export function seconds(count: number): string {
  return count === 1 ? '1 second' : `${count} seconds`;
}
