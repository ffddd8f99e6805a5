import { z } from 'zod';

import { CLIENT_TYPES } from '../../clients/client-template.ts';
import { displayNameProblem } from '../../security/display-name.ts';

/** Shared pieces of the admin API's schemas. */
export const limitQuery = z.coerce.number().int().min(1).max(200).default(50).describe('items per page (1-200)');
export const cursorQuery = z.string().max(200).optional().describe('next_cursor of the previous page');

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), next_cursor: z.string().optional().describe('absent on the last page') });

const uri = z.string().url().max(2000);

/** A name people read (consent screen, console): no controls, bidi overrides or lone surrogates. */
export const displayName = z
  .string()
  .min(1)
  .max(200)
  .superRefine((name, ctx) => {
    const problem = displayNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const clientSchema = z
  .object({
    client_id: z.string(),
    client_name: z.string().optional(),
    grant_types: z.array(z.string()).optional(),
    redirect_uris: z.array(z.string()).optional(),
    post_logout_redirect_uris: z.array(z.string()).optional(),
    token_endpoint_auth_method: z.string().optional(),
    allowed_resources: z.array(z.string()).optional(),
    first_party: z.boolean().optional(),
  })
  .catchall(z.unknown())
  .describe('a client: its registered metadata, never its secret');

export const clientCreateSchema = z
  .object({
    type: z.enum(CLIENT_TYPES).describe('sets safe defaults: web, spa, native, service, exchanger, device'),
    id: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[\x21-\x7e]+$/)
      .optional(),
    name: displayName.optional(),
    redirect_uris: z.array(uri).max(50).optional(),
    post_logout_redirect_uris: z.array(uri).max(50).optional(),
    resources: z.array(uri).max(50).optional().describe('APIs (resource indicators) it may get tokens for'),
    first_party: z.boolean().optional(),
    require_mfa: z.boolean().optional(),
    require_passkey: z.boolean().optional(),
    require_verified_email: z.boolean().optional(),
    resource_server_of: z
      .array(uri)
      .max(50)
      .optional()
      .describe('APIs it is the credentials of: it may introspect tokens issued for them'),
    introspect_any: z.boolean().optional().describe('it may introspect every token'),
  })
  .strict();

export const clientPatchSchema = z
  .object({
    client_name: displayName.optional(),
    redirect_uris: z.array(uri).max(50).optional(),
    post_logout_redirect_uris: z.array(uri).max(50).optional(),
    allowed_resources: z.array(uri).max(50).optional(),
    first_party: z.boolean().optional(),
    require_mfa: z.boolean().optional(),
    require_passkey: z.boolean().optional(),
    require_verified_email: z.boolean().optional(),
    resource_server_of: z
      .array(uri)
      .max(50)
      .optional()
      .describe('APIs it is the credentials of: it may introspect tokens issued for them'),
    introspect_any: z.boolean().optional().describe('it may introspect every token'),
  })
  .strict();

export const secretSchema = z.object({
  client_id: z.string(),
  client_secret: z.string().optional().describe('shown once; absent for a public client'),
});

export const resourceSchema = z.object({
  indicator: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  access_token_ttl: z.number().int().optional(),
  scope_access: z.enum(['open', 'roles']),
  roles: z.array(z.string()),
});

export const resourcePutSchema = z
  .object({
    name: displayName,
    scopes: z
      .array(
        z
          .string()
          .min(1)
          .max(200)
          .regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/),
      )
      .max(200),
    access_token_ttl: z.number().int().min(60).max(86400).optional(),
    scope_access: z.enum(['open', 'roles']).optional(),
  })
  .strict();

export const keySchema = z.object({
  kind: z.string(),
  alg: z.string().optional(),
  kid: z.string().optional(),
  state: z.string(),
  created_at: z.string(),
  retired_at: z.string().optional(),
});

export const auditSchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    event: z.string(),
    outcome: z.enum(['success', 'failure']),
    account: z.string().optional(),
    client: z.string().optional(),
    ip: z.string().optional(),
    requestId: z.string().optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .describe('one record of the audit chain');

export const chainSchema = z.object({
  intact: z.boolean(),
  records: z.number().int().optional(),
  broken_at: z.number().int().optional(),
  reason: z.string().optional(),
});

export const idpSchema = z.object({
  id: z.string(),
  type: z.enum(['oidc', 'github']),
  name: z.string(),
  enabled: z.boolean(),
  issuer: z.string(),
  provision: z.boolean(),
  domains: z.array(z.string()),
});

export const idpPatchSchema = z.object({ enabled: z.boolean() }).strict();
