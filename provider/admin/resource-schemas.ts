import { z } from 'zod';

import { displayNameSchema } from './display-name-schema.ts';

/** A resource indicator (RFC 8707): an absolute URI, the `aud` of the API's tokens. */
export const resourceIndicatorSchema = z.string().url().max(2000);

/** The one statement of how long an API's access tokens may live, in seconds. */
export const accessTokenTtlSchema = z
  .number()
  .int()
  .min(60)
  .max(86_400)
  .describe('access token lifetime for this API, in seconds (60 to 86400)');

/** A scope token (RFC 6749 3.3: printable ASCII without space, `"` or `\`). */
const scopeSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/);
const scopesSchema = z.array(scopeSchema).max(200);

const scopeAccessSchema = z
  .enum(['open', 'roles'])
  .describe('open: scopes as each client allows; roles: only what the caller’s roles grant');

export const resourceSchema = z.object({
  indicator: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  access_token_ttl: z.number().int().optional(),
  scope_access: z.enum(['open', 'roles']),
  roles: z.array(z.string()),
});

/** What the admin API's PUT /resources/{indicator} takes. */
export const resourcePutSchema = z
  .object({
    name: displayNameSchema,
    scopes: scopesSchema,
    access_token_ttl: accessTokenTtlSchema.optional(),
    scope_access: scopeAccessSchema.optional(),
  })
  .strict();

/** `saveResource`: the API's fields, the indicator, and what a configuration file also declares. */
export const resourceSaveSchema = resourcePutSchema
  .extend({
    indicator: resourceIndicatorSchema,
    groups_claim: z.boolean().optional(),
    scope_descriptions: z.record(scopeSchema, z.string()).optional(),
  })
  .strict();
export type ResourceSave = z.input<typeof resourceSaveSchema>;

/** `setResourceAccess`: how an API's scopes are handed out and whether its tokens carry `groups`. */
export const resourceAccessSchema = z
  .object({
    indicator: resourceIndicatorSchema,
    scope_access: scopeAccessSchema.optional(),
    groups_claim: z.boolean().optional(),
  })
  .strict()
  .refine((input) => input.scope_access !== undefined || input.groups_claim !== undefined, {
    message: 'give scope_access and/or groups_claim',
  });
export type ResourceAccess = z.input<typeof resourceAccessSchema>;

/** `describeResourceScope`: the consent screen's words for one scope (empty: back to the scope itself). */
export const scopeDescriptionSchema = z
  .object({ indicator: resourceIndicatorSchema, scope: scopeSchema, text: z.string() })
  .strict();
export type ScopeDescription = z.input<typeof scopeDescriptionSchema>;

/** `replaceResourceScopes`: the whole list of scopes an API understands. */
export const resourceScopesSchema = z.object({ indicator: resourceIndicatorSchema, scopes: scopesSchema }).strict();
export type ResourceScopes = z.input<typeof resourceScopesSchema>;
