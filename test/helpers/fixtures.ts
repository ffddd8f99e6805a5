import { randomBytes } from 'node:crypto';

import type { ClientMetadata } from 'oidc-provider';

import { createAccount } from '../../provider/accounts/create-account.ts';
import { registerClient } from '../../provider/clients/register-client.ts';
import { saveResourceServer } from '../../provider/resources/resource-server-directory.ts';
import type { TestServer } from './test-server.ts';

/** Fixtures are made through the same code the seed (and later the admin CLI) uses. */

export const API = 'https://api.test.example';
export const CALLBACK = 'http://127.0.0.1:9999/callback';

export interface TestUser {
  id: string;
  email: string;
  password: string;
}
export interface TestClient {
  clientId: string;
  clientSecret: string;
}

/** HTTP Basic client authentication (RFC 6749 2.3.1: id and secret form-encoded first). */
export function basicAuth(client: TestClient, secret = client.clientSecret): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export async function addUser(
  server: TestServer,
  email = `user-${randomBytes(3).toString('hex')}@example.test`,
): Promise<TestUser> {
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const id = await createAccount(server.connection, {
    email,
    password,
    name: 'Test User',
    givenName: 'Test',
    familyName: 'User',
    emailVerified: true,
  });
  return { id, email, password };
}

export async function addApi(
  server: TestServer,
  indicator = API,
  scopes = ['orders:read', 'orders:write'],
): Promise<void> {
  await saveResourceServer(server.connection, { _id: indicator, name: 'Test API', scopes });
}

export async function addWebClient(server: TestServer, overrides: Partial<ClientMetadata> = {}): Promise<TestClient> {
  const { clientId, clientSecret } = await registerClient(server.provider, server.connection, {
    client_id: `web-${randomBytes(3).toString('hex')}`,
    client_name: 'Test Web App',
    redirect_uris: [CALLBACK],
    post_logout_redirect_uris: ['http://127.0.0.1:9999/'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    allowed_resources: [API],
    ...overrides,
  });
  return { clientId, clientSecret: clientSecret! };
}

export async function addServiceClient(
  server: TestServer,
  overrides: Partial<ClientMetadata> = {},
): Promise<TestClient> {
  const { clientId, clientSecret } = await registerClient(server.provider, server.connection, {
    client_id: `svc-${randomBytes(3).toString('hex')}`,
    client_name: 'Test Service',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    allowed_resources: [API],
    ...overrides,
  });
  return { clientId, clientSecret: clientSecret! };
}
