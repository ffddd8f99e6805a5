import { z } from 'zod';

import { ADMIN_API_PATH, ADMIN_AREAS, readScope, writeScope } from '../admin-api-resource.ts';
import type { ApiRoute } from './api-route.ts';

const problem = {
  description: 'a problem (RFC 9457)',
  content: {
    'application/problem+json': {
      schema: {
        type: 'object',
        required: ['type', 'title', 'status'],
        properties: {
          type: { type: 'string' },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          errors: {
            type: 'array',
            items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
          },
        },
      },
    },
  },
};

/** A zod schema as OpenAPI 3.1 wants it: JSON Schema 2020-12, without its own $schema. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function parameters(route: ApiRoute) {
  const out: Record<string, unknown>[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const shape = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, property] of Object.entries(shape.properties ?? {})) {
      out.push({
        name,
        in: where,
        required: where === 'path' || (shape.required ?? []).includes(name),
        schema: property,
      });
    }
  }
  if (route.current && route.method !== 'get' && route.method !== 'post')
    out.push({
      name: 'If-Match',
      in: 'header',
      required: route.method !== 'put',
      description: 'the ETag of the representation this change is based on (412 when it is stale)',
      schema: { type: 'string' },
    });
  return out;
}

/**
 * The OpenAPI 3.1 document of the admin API, generated from the route declarations and the very
 * zod schemas that validate requests: what it says is what the server checks.
 */
export function openApiDocument(issuer: string, routes: ApiRoute[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const status = String(route.response ? (route.status ?? 200) : 204);
    paths[route.path] ??= {};
    paths[route.path]![route.method] = {
      summary: route.summary,
      operationId: `${route.method}${route.path
        .replace(/[{}]/g, '')
        .replace(/\/(\w)/g, (_m, c: string) => c.toUpperCase())
        .replace(/[^A-Za-z0-9]/g, '')}`,
      tags: [route.area],
      security: [{ oauth2: route.write ? [writeScope(route.area)] : [readScope(route.area)] }],
      parameters: parameters(route),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
            },
          }
        : {}),
      responses: {
        [status]: route.response
          ? {
              description: 'done',
              ...(route.current ? { headers: { ETag: { schema: { type: 'string' } } } } : {}),
              content: { 'application/json': { schema: jsonSchema(route.response, 'output') } },
            }
          : { description: 'done' },
        default: problem,
      },
    };
  }
  const scopes = Object.fromEntries(
    ADMIN_AREAS.flatMap((area) => [
      [writeScope(area), `change ${area}`],
      [readScope(area), `read ${area}`],
    ]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'meshid admin API',
      version,
      description:
        'Administration of this provider. Access tokens from this provider for the audience ' +
        `${issuer}${ADMIN_API_PATH}; scopes per area come from the roles admin and viewer.`,
    },
    servers: [{ url: `${issuer}${ADMIN_API_PATH}` }],
    components: {
      securitySchemes: {
        oauth2: {
          type: 'oauth2',
          flows: {
            clientCredentials: { tokenUrl: `${issuer}/token`, scopes },
            authorizationCode: { authorizationUrl: `${issuer}/auth`, tokenUrl: `${issuer}/token`, scopes },
          },
        },
      },
    },
    paths,
  };
}
