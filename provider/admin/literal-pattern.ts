/** A regular expression source that matches `prefix` literally at the start of a string. */
export function startsWithPattern(prefix: string): string {
  return `^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
}
