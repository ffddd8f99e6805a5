import { z } from 'zod';

import { displayNameProblem } from '../security/display-name.ts';

/** A name people read (consent screen, console): no controls, bidi overrides or lone surrogates. */
export const displayNameSchema = z
  .string()
  .min(1)
  .max(200)
  .superRefine((name, ctx) => {
    const problem = displayNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
