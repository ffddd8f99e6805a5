import type { z } from 'zod';

import { invalid } from '../admin-deps.ts';

/**
 * `input` as `schema` reads it, or a 400 naming what is wrong: the operations check their own
 * input, so a door that forgot to (the CLI's argv, a configuration file) is refused like the API.
 */
export function checkedInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw invalid(
    parsed.error.issues
      .map((issue) => `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`)
      .join('; '),
  );
}
