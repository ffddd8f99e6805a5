import { z } from 'zod';

import { CLIENT_TYPES } from '../../clients/client-template.ts';
import { displayNameSchema as displayName } from '../display-name-schema.ts';

/**
 * The inputs of the client operations. Every door parses with these (the admin API, the OpenAPI
 * document, the console's forms, the CLI's arguments) and the operations parse again, so a rule
 * written here holds whichever door a change comes through.
 */
const uri = z.string().url().max(2000);
const uris = z.array(uri).max(50);
const texts = z.array(z.string().min(1).max(200)).max(50);

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

const resourceServerOf = uris
  .optional()
  .describe('APIs it is the credentials of: it may introspect tokens issued for them');
const introspectAny = z.boolean().optional().describe('it may introspect every token');

export const clientCreateSchema = z
  .object({
    type: z
      .enum(CLIENT_TYPES, { error: `must be one of ${CLIENT_TYPES.join(', ')}` })
      .describe('sets safe defaults: web, spa, native, service, exchanger, device'),
    id: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[\x21-\x7e]+$/)
      .optional(),
    name: displayName.optional(),
    redirect_uris: uris.optional(),
    post_logout_redirect_uris: uris.optional(),
    resources: uris.optional().describe('APIs (resource indicators) it may get tokens for'),
    first_party: z.boolean().optional(),
    require_mfa: z.boolean().optional(),
    require_passkey: z.boolean().optional(),
    require_verified_email: z.boolean().optional(),
    require_par: z.boolean().optional().describe('it must push its authorization requests first (RFC 9126)'),
    require_dpop: z.boolean().optional().describe('its tokens must be bound to its key with DPoP (RFC 9449)'),
    backchannel_logout_uri: uri.optional().describe('where it receives logout tokens when its users sign out'),
    exchange: z
      .object({
        resources: uris.optional().describe('targets it may exchange tokens for'),
        subject_audiences: uris.optional().describe('APIs whose tokens it may take as subject tokens'),
        subject_clients: texts.optional().describe('only tokens issued to these clients'),
        scopes: texts.optional().describe('the most scopes it may ask for'),
        actor: z.boolean().optional().describe('may present actor tokens (delegation)'),
      })
      .strict()
      .optional()
      .describe('an exchanger (RFC 8693): what it may exchange'),
    resource_server_of: resourceServerOf,
    introspect_any: introspectAny,
  })
  .strict();
export type ClientCreateInput = z.input<typeof clientCreateSchema>;

export const clientPatchSchema = z
  .object({
    client_name: displayName.optional(),
    redirect_uris: uris.optional(),
    post_logout_redirect_uris: uris.optional(),
    allowed_resources: uris.optional(),
    resource_scopes: z
      .record(uri, texts)
      .optional()
      .describe('per API, the only scopes it may ask for there (absent: every scope of the API)'),
    first_party: z.boolean().optional(),
    require_mfa: z.boolean().optional(),
    require_passkey: z.boolean().optional(),
    require_verified_email: z.boolean().optional(),
    require_pushed_authorization_requests: z
      .boolean()
      .optional()
      .describe('it must push its authorization requests first (RFC 9126)'),
    dpop_bound_access_tokens: z
      .boolean()
      .optional()
      .describe('its tokens must be bound to its key with DPoP (RFC 9449)'),
    backchannel_logout_uri: uri
      .nullable()
      .optional()
      .describe('where it receives logout tokens when its users sign out (null: none)'),
    backchannel_logout_session_required: z
      .boolean()
      .optional()
      .describe('its logout tokens must name the session (sid)'),
    resource_server_of: resourceServerOf,
    introspect_any: introspectAny,
  })
  .strict();
export type ClientPatch = z.input<typeof clientPatchSchema>;

export const secretSchema = z.object({
  client_id: z.string(),
  client_secret: z.string().optional().describe('shown once; absent for a public client'),
});

/** An initial access token for dynamic registration (REGISTRATION=token). */
export const initialTokenSchema = z
  .object({
    expires_in: z
      .number({ error: 'must be a number of seconds' })
      .int()
      .min(60, { error: 'must be 60 to 31536000 seconds' })
      .max(31_536_000, { error: 'must be 60 to 31536000 seconds' })
      .default(86_400),
    uses: z
      .number({ error: 'must be a number' })
      .int()
      .min(1, { error: 'must be 1 to 1000000' })
      .max(1_000_000, { error: 'must be 1 to 1000000' })
      .optional()
      .describe('how many registrations it may make (absent: any until it expires)'),
  })
  .strict();
export type InitialTokenInput = z.input<typeof initialTokenSchema>;
