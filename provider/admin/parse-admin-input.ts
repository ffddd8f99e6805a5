import type { z } from 'zod';

import { invalid } from './admin-deps.ts';

/**
 * An operation's input, checked with its schema whichever door it came through: a refusal names
 * each field and what is wrong with it (the CLI prints it, the API and console show it).
 *
 * @example parseAdminInput(z.object({ ttl: z.number().min(60) }), { ttl: 5 })
 *   // throws invalid('ttl: Too small: expected number to be >=60')
 */
export function parseAdminInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw invalid(
    parsed.error.issues
      .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
      .join('; '),
  );
}
