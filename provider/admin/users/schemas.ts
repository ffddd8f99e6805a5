import { z } from 'zod';

import { displayNameSchema as displayName } from '../display-name-schema.ts';

/** The inputs and views of users, as every door (API, console, CLI, configuration file) reads them. */
export const userIdSchema = z.string().min(1).max(200);
const emailSchema = z.string().email().max(320);

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
  .object({ email: emailSchema, name: displayName.optional() })
  .strict()
  .describe('an invitation: the user gets a link by mail to choose the first password');

/** A user made with a first password the operator gives (CLI) or the file declares; never over the API. */
export const userAddSchema = z
  .object({
    email: emailSchema,
    name: displayName.optional(),
    password: z.string().min(1).max(1000),
    email_verified: z.boolean().optional(),
  })
  .strict();

export const userPatchSchema = z
  .object({ disabled: z.boolean().optional().describe('true blocks sign-in and signs the user out everywhere') })
  .strict();

export const countSchema = z.object({ count: z.number().int() });

export const passkeySchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  kind: z.enum(['device-bound', 'synced']),
  aaguid: z.string().optional(),
  created_at: z.string(),
  last_used_at: z.string().optional(),
});

export const passkeyRemovalSchema = z
  .object({
    passkey: z.string().min(1).max(1000).describe('the passkey id, or "all" (a lost device)'),
    sign_out: z.boolean().optional().describe('also end every session and grant of the user'),
  })
  .strict();

export const sessionSchema = z
  .object({
    id: z.string().describe('the session uid (never the cookie value)'),
    signed_in_at: z.string().optional(),
    amr: z.array(z.string()),
    applications: z.array(z.string()).describe('client ids this session signed in to'),
    expires_at: z.string().optional(),
  })
  .describe("one of a user's browser sessions");

export const linkSchema = z
  .object({
    id: z.string(),
    idp: z.string(),
    idp_name: z.string(),
    email: z.string().optional(),
    linked_at: z.string(),
    last_used_at: z.string(),
  })
  .describe('a sign-in through an upstream identity provider linked to the user');

export const itemIdSchema = z.string().min(1).max(200);
