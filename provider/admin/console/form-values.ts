import type { Context } from 'koa';

import { formField } from '../../forms/form-field.ts';

/** A text area's entries: one per line (or separated by spaces or commas), empty ones dropped. */
export const lines = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter(Boolean);

/** A checkbox: posted as "on" when ticked, absent otherwise. */
export const checked = (ctx: Context, name: string): boolean => formField(ctx, name) === 'on';
