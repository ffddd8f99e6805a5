import type { z } from 'zod';

import { invalid } from '../admin-deps.ts';

/**
 * An operation's input, parsed with its schema: a door that parsed already gets the same value
 * back, one that did not (the CLI, a configuration file) gets the same refusal as the API.
 * `label` names a field as the door's user knows it (the CLI says `--redirect-uri`).
 *
 * @example parseInput(initialTokenSchema, { expires_in: 5 }) // throws invalid('expires_in must be 60 to 31536000 seconds')
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  label: (path: string) => string = (path) => path,
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw invalid(
    parsed.error.issues
      .map((issue) => `${label(issue.path.map(String).join('.') || '(input)')} ${issue.message}`)
      .join('; '),
  );
}
