import { adminApiIndicator } from '../../provider/admin/admin-api-resource.ts';
import { grantRole } from '../../provider/roles/manage-roles.ts';
import { addServiceClient, basicAuth } from './fixtures.ts';
import type { TestServer } from './test-server.ts';

type Json = Record<string, unknown>;

export interface AdminApiResult {
  status: number;
  etag: string;
  body: Json;
}

export type AdminApi = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<AdminApiResult>;

/** A new service client with this admin API role (admin unless told): a bearer token for these scopes. */
export async function adminApiToken(
  server: TestServer,
  scope: string,
  role: 'admin' | 'viewer' = 'admin',
): Promise<string> {
  const indicator = adminApiIndicator(server.issuer);
  const robot = await addServiceClient(server, { allowed_resources: [indicator] });
  await grantRole(server.connection, { kind: 'client', subject: robot.clientId }, indicator, role);
  const response = await fetch(`${server.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(robot) },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource: indicator, scope }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(JSON.stringify(body));
  return body.access_token;
}

/** Calls /admin/api/v1 with this token: JSON in (when there is a body), status, ETag and JSON out. */
export function adminApi(server: TestServer, token: string): AdminApi {
  return async (method, path, body, headers = {}) => {
    const response = await fetch(`${server.issuer}/admin/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      etag: response.headers.get('etag') ?? '',
      body: (text ? JSON.parse(text) : {}) as Json,
    };
  };
}
