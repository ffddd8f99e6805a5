import { z } from 'zod';

import { displayNameSchema } from '../display-name-schema.ts';

/** Shared pieces of the admin API's schemas. */
export const limitQuery = z.coerce.number().int().min(1).max(200).default(50).describe('items per page (1-200)');
export const cursorQuery = z.string().max(200).optional().describe('next_cursor of the previous page');

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), next_cursor: z.string().optional().describe('absent on the last page') });

/** A name people read; the one schema lives beside the services that check it. */
const displayName = displayNameSchema;

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().optional(),
  email_verified: z.boolean(),
  disabled: z.boolean(),
  created_at: z.string(),
});

export const userDetailSchema = userSchema.extend({
  second_factor: z.boolean(),
  passkeys: z.array(z.object({ id: z.string(), name: z.string().optional(), created_at: z.string() })),
  links: z.array(z.object({ idp: z.string(), email: z.string().optional(), linked_at: z.string() })),
  groups: z.array(z.string()),
  roles: z.array(z.object({ resource: z.string(), role: z.string() })),
  applications: z.array(z.object({ clientId: z.string(), name: z.string() })),
});

export const userCreateSchema = z
  .object({ email: z.string().email().max(320), name: displayName.optional() })
  .strict()
  .describe('an invitation: the user gets a link by mail to choose the first password');

export const userPatchSchema = z
  .object({ disabled: z.boolean().optional().describe('true blocks sign-in and signs the user out everywhere') })
  .strict();

export const countSchema = z.object({ count: z.number().int() });
