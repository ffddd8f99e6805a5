import { readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';

import type { SecretReference } from './declaration.ts';

/** Resolves a secret reference; undefined for `generated` (made at random when needed). */
export type ResolveSecret = (reference: SecretReference, what: string) => string | undefined;

/** True when `path` is `folder` itself or below it. */
function isWithin(folder: string, path: string): boolean {
  const rest = relative(folder, path);
  return rest !== '' && !rest.startsWith('..') && !isAbsolute(rest);
}

/**
 * The real path of `file` (relative to the secrets folder) when it lies in that folder once
 * symlinks and `..` are followed; undefined otherwise, or when it cannot be resolved.
 */
function secretPath(secretsDir: string, file: string): string | undefined {
  const asked = resolve(secretsDir, file);
  if (!isWithin(resolve(secretsDir), asked)) return undefined;
  try {
    const real = realpathSync(asked);
    return isWithin(realpathSync(secretsDir), real) ? real : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Secrets of a configuration file come from the environment or a file (a mounted secret) in the
 * secrets folder (MESHID_SECRETS_DIR), read when the file is applied; a missing one stops the
 * apply, naming what needed it. Without a secrets folder, `{ file }` is refused.
 */
export function secretResolver(
  environment: Readonly<Record<string, string | undefined>>,
  secretsDir?: string,
): ResolveSecret {
  return (reference, what) => {
    if (reference === 'generated') return undefined;
    if ('env' in reference) {
      // own variables only: `{ env: constructor }` would otherwise reach Object's prototype
      const value = Object.hasOwn(environment, reference.env) ? environment[reference.env] : undefined;
      if (typeof value !== 'string' || !value)
        throw new Error(`${what}: the environment variable ${reference.env} is not set`);
      return value;
    }
    // One answer for a file outside the folder, missing or unresolvable: whoever may edit the
    // configuration file learns nothing about files elsewhere.
    const path = secretsDir === undefined ? undefined : secretPath(secretsDir, reference.file);
    if (path === undefined)
      throw new Error(
        `${what}: ${reference.file} is not a readable file in the secrets folder MESHID_SECRETS_DIR (${secretsDir ?? 'not set'})`,
      );
    try {
      return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new Error(`${what}: cannot read ${reference.file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  };
}
