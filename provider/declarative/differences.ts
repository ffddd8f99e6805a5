const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Which of the declared fields differ from what is stored (only declared fields are managed). */
export function differences(declared: Record<string, unknown>, stored: Record<string, unknown>): string[] {
  return Object.entries(declared)
    .filter(([, value]) => value !== undefined)
    .filter(([key, value]) => !same(value, stored[key]))
    .map(([key]) => key);
}
