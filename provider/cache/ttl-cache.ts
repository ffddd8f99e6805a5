/**
 * A small time-bounded cache with a size cap (oldest entries go first), for answers that may be
 * a few seconds stale by design. The cap matters: keys often come from requests (client ids,
 * resource indicators), and an unbounded cache of misses would be a memory sink for anyone.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V; until: number }>();
  readonly #max: number;

  constructor(max = 10_000) {
    this.#max = max;
  }

  /** The cached entry (its value may itself be undefined: a cached miss), or undefined. */
  entry(key: string): { value: V } | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  get(key: string): V | undefined {
    return this.entry(key)?.value;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  set(key: string, value: V, ttlMs: number): void {
    if (ttlMs <= 0) return;
    if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { value, until: Date.now() + ttlMs });
  }
}
