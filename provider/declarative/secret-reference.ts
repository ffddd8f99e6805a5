import { readFileSync } from 'node:fs';

import type { SecretReference } from './declaration.ts';

/** Resolves a secret reference; undefined for `generated` (made at random when needed). */
export type ResolveSecret = (reference: SecretReference, what: string) => string | undefined;

/**
 * Secrets of a configuration file come from the environment or a file (a mounted secret), read
 * when the file is applied; a missing one stops the apply, naming what needed it.
 */
export function secretResolver(environment: Readonly<Record<string, string | undefined>>): ResolveSecret {
  return (reference, what) => {
    if (reference === 'generated') return undefined;
    if ('env' in reference) {
      // own variables only: `{ env: constructor }` would otherwise reach Object's prototype
      const value = Object.hasOwn(environment, reference.env) ? environment[reference.env] : undefined;
      if (typeof value !== 'string' || !value)
        throw new Error(`${what}: the environment variable ${reference.env} is not set`);
      return value;
    }
    try {
      return readFileSync(reference.file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new Error(`${what}: cannot read ${reference.file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  };
}
