import { bodyParser } from '@koa/bodyparser';
import type { Context, Next } from 'koa';

import { findDuplicateKey } from './find-duplicate-key.ts';
import { ApiProblem } from './problem.ts';

const parseBody = bodyParser({ enableTypes: ['json'], jsonLimit: '64kb', encoding: 'utf-8', jsonStrict: true });

/**
 * Request bodies of the admin API: JSON objects of at most 64 KiB, no key twice in one object
 * (which of two values would count is a parser's choice, not the caller's). Another type is
 * refused with 415 by the route handler.
 */
export async function parseJson(ctx: Context, next: Next): Promise<void> {
  await parseBody(ctx, async () => {
    const raw = ctx.request.rawBody;
    const duplicate = typeof raw === 'string' ? findDuplicateKey(raw) : undefined;
    if (duplicate !== undefined)
      throw new ApiProblem(400, 'duplicate-key', `the key "${duplicate}" appears more than once in one object`);
    await next();
  });
}
