import { z } from 'zod';

import { invalid } from '../admin-deps.ts';

/*
 * The shapes the admin doors take and give for upstream identity providers. They check types and
 * sizes only: what makes settings valid (URLs, scopes, presets, domains) is idp-settings.ts's,
 * run by the operations for every door.
 */

const text = (max: number) => z.string().max(max);
const words = (max: number) => z.array(text(200)).max(max);

const claimsSchema = z
  .object({
    email: text(100).optional(),
    email_verified: text(100).optional(),
    name: text(100).optional(),
    groups: text(100).optional(),
  })
  .strict()
  .describe('which upstream claims hold the email, its verification, the name and the groups (OIDC only)');

const groupMapSchema = z
  .array(z.object({ upstream: text(256), local: text(64) }).strict())
  .max(100)
  .describe('members of the upstream group are kept in the local group at every sign-in');

/** The settings an administrator may give or change (all but id, type and the secret). */
const settings = {
  name: text(200).optional().describe('what the button says after "Continue with"'),
  issuer: text(2000).optional().describe('OIDC: the issuer (discovery); GitHub: a GitHub Enterprise Server address'),
  api_url: text(2000).optional().describe('GitHub only: the REST API (default https://api.github.com)'),
  client_id: text(400).optional(),
  scopes: words(50).optional(),
  provision: z.boolean().optional().describe('create accounts just in time for new users with a verified email'),
  domains: words(100).optional().describe('home-realm discovery: emails of these domains sign in only here'),
  claims: claimsSchema.optional(),
  userinfo: z.boolean().optional().describe('OIDC: also read the userinfo endpoint'),
  group_map: groupMapSchema.optional(),
  mfa_acr_values: words(20).optional().describe('upstream acr values that count as a second factor here'),
  upstream_logout: z.boolean().optional().describe('logout here also goes through the upstream'),
};

const secret = text(2000).describe('write-only: stored sealed, never shown back');

export const idpCreateSchema = z
  .object({
    id: text(100).describe('lower-case letters, digits, dashes: part of the redirect URI'),
    type: z.enum(['oidc', 'github']),
    ...settings,
    client_id: text(400),
    client_secret: secret.min(1),
  })
  .strict()
  .describe('an upstream identity provider to add (enabled at once)');

export const idpPatchSchema = z
  .object({ enabled: z.boolean().optional(), ...settings, client_secret: secret.min(1).optional() })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'name at least one setting to change')
  .describe('the settings to change; absent ones stay (the type and id cannot change)');

export type IdpCreateBody = z.infer<typeof idpCreateSchema>;
export type IdpPatchBody = z.infer<typeof idpPatchSchema>;

/** An upstream in a listing: what the admin API's GET /idps gives. */
export const idpSchema = z.object({
  id: z.string(),
  type: z.enum(['oidc', 'github']),
  name: z.string(),
  enabled: z.boolean(),
  issuer: z.string(),
  provision: z.boolean(),
  domains: z.array(z.string()),
});

/** One upstream's settings (never its secret) and the redirect URI to register there. */
export const idpDetailSchema = idpSchema.extend({
  api_url: z.string().optional(),
  client_id: z.string(),
  scopes: z.array(z.string()),
  claims: z.object({
    email: z.string(),
    email_verified: z.string(),
    name: z.string(),
    groups: z.string().optional(),
  }),
  userinfo: z.boolean(),
  group_map: z.array(z.object({ upstream: z.string(), local: z.string() })),
  mfa_acr_values: z.array(z.string()),
  upstream_logout: z.boolean(),
  icon: z.boolean().describe('whether the button shows an icon'),
  redirect_uri: z.string(),
});

export type IdpView = z.infer<typeof idpSchema>;
export type IdpDetail = z.infer<typeof idpDetailSchema>;

/**
 * `body` parsed with `schema`, or an AdminProblem naming the first field that is wrong: how the
 * CLI uses the API's schemas (the API answers every issue; the console maps them to its fields).
 */
export function parseUpstreamBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw invalid(issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message);
}
