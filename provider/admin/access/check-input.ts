import { ZodError, type z } from 'zod';

import { AdminProblem, invalid } from '../admin-deps.ts';
import { GroupError } from '../../roles/manage-groups.ts';
import { RoleError } from '../../roles/manage-roles.ts';

/** An operation's input, checked against its schema whichever door it came through (a refusal is a 400). */
export function checkInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  try {
    return schema.parse(input);
  } catch (err) {
    if (!(err instanceof ZodError)) throw err;
    throw invalid(err.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; '));
  }
}

/** The roles storage's refusals as the admin layer's (a message for the CLI, a problem for the API). */
export async function refusalsAsProblems<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof RoleError || err instanceof GroupError || err instanceof TypeError) {
      throw /^no (group|role|API) /.test(err.message)
        ? new AdminProblem(404, 'not-found', err.message)
        : invalid(err.message);
    }
    throw err;
  }
}
