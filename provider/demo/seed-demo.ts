import { randomBytes } from 'node:crypto';

import type { Connection } from 'mongoose';
import type { ClientMetadata, Provider } from 'oidc-provider';

import { MongoAdapter } from '../../adapters/mongodb.ts';
import { accountModel } from '../accounts/account-model.ts';
import { createAccount } from '../accounts/create-account.ts';
import { registerClient } from '../clients/register-client.ts';
import { saveResourceServer } from '../resources/resource-server-directory.ts';
import { TOKEN_EXCHANGE_GRANT } from '../token-exchange/token-types.ts';

export const DEMO_API = 'https://api.example.test';
export const DEMO_EMAIL = 'demo@example.test';
/** A downstream API reached only with exchanged (narrowed) tokens. */
export const DEMO_INTERNAL_API = 'https://orders-db.example.test';

export interface DemoClient {
  clientId: string;
  /** undefined when the client already existed: only its hash is stored */
  clientSecret: string | undefined;
  /** a public client has no secret at all */
  public: boolean;
  description: string;
}

export interface DemoSeed {
  user: { email: string; password: string | undefined };
  clients: DemoClient[];
  api: { indicator: string; scopes: string[] };
  internalApi: { indicator: string; scopes: string[] };
}

function webClient(n: number, port: number): ClientMetadata {
  return {
    client_id: `demo-web-${n}`,
    client_name: `Demo web app ${n}`,
    redirect_uris: [`http://localhost:${port}/callback`, `http://127.0.0.1:${port}/callback`],
    post_logout_redirect_uris: [`http://localhost:${port}/`],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    allowed_resources: [DEMO_API],
  };
}

/** A single-page app: public (no secret), PKCE, its token calls allowed by CORS from its own origin. */
const SPA_CLIENT: ClientMetadata = {
  client_id: 'demo-spa',
  client_name: 'Demo single-page app',
  redirect_uris: ['http://localhost:4403/callback'],
  post_logout_redirect_uris: ['http://localhost:4403/'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
  allowed_resources: [DEMO_API],
};

const SERVICE_CLIENT: ClientMetadata = {
  client_id: 'demo-service',
  client_name: 'Demo service',
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: 'client_secret_basic',
  allowed_resources: [DEMO_API],
  resource_scopes: { [DEMO_API]: ['orders:read', 'orders:write'] },
};

const EXCHANGER_CLIENT: ClientMetadata = {
  client_id: 'demo-exchanger',
  client_name: 'Demo orders service (token exchange)',
  grant_types: ['client_credentials', TOKEN_EXCHANGE_GRANT],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: 'client_secret_basic',
  allowed_resources: [DEMO_API],
  token_exchange: {
    resources: [DEMO_INTERNAL_API],
    subject_audiences: [DEMO_API],
    scopes: ['orders:read'],
    actor: true,
  },
};

async function seedClient(
  provider: Provider,
  connection: Connection,
  metadata: ClientMetadata,
  description: string,
): Promise<DemoClient> {
  // Idempotent: an existing client is left as it is (and its secret cannot be shown again).
  if (await new MongoAdapter(connection, 'Client').find(metadata.client_id)) {
    return {
      clientId: metadata.client_id,
      clientSecret: undefined,
      public: metadata.token_endpoint_auth_method === 'none',
      description,
    };
  }
  const { clientId, clientSecret } = await registerClient(provider, connection, metadata);
  return { clientId, clientSecret, public: metadata.token_endpoint_auth_method === 'none', description };
}

/** Creates the demo API, user and clients if they are missing; running it twice creates nothing twice. */
export async function seedDemo(provider: Provider, connection: Connection): Promise<DemoSeed> {
  const scopes = ['orders:read', 'orders:write'];
  await saveResourceServer(connection, {
    _id: DEMO_API,
    name: 'Demo orders API',
    scopes,
    scopeDescriptions: [
      { scope: 'orders:read', text: 'See your orders' },
      { scope: 'orders:write', text: 'Place and change orders for you' },
    ],
  });
  await saveResourceServer(connection, {
    _id: DEMO_INTERNAL_API,
    name: 'Demo orders database API',
    scopes: ['orders:read'],
  });

  let password: string | undefined;
  if (!(await accountModel(connection).exists({ email: DEMO_EMAIL }))) {
    password = randomBytes(12).toString('base64url');
    await createAccount(connection, {
      email: DEMO_EMAIL,
      password,
      name: 'Demo User',
      givenName: 'Demo',
      familyName: 'User',
      emailVerified: true,
    });
  }

  const clients = [
    await seedClient(
      provider,
      connection,
      webClient(1, 4401),
      'web app (code + PKCE), redirect http://localhost:4401/callback',
    ),
    await seedClient(
      provider,
      connection,
      webClient(2, 4402),
      'second web app for SSO, redirect http://localhost:4402/callback',
    ),
    await seedClient(
      provider,
      connection,
      SPA_CLIENT,
      'single-page app (public, PKCE, no secret), redirect http://localhost:4403/callback',
    ),
    await seedClient(provider, connection, SERVICE_CLIENT, `service (client_credentials) for ${DEMO_API}`),
    await seedClient(provider, connection, EXCHANGER_CLIENT, `token exchange to ${DEMO_INTERNAL_API} (orders:read)`),
  ];
  return {
    user: { email: DEMO_EMAIL, password },
    clients,
    api: { indicator: DEMO_API, scopes },
    internalApi: { indicator: DEMO_INTERNAL_API, scopes: ['orders:read'] },
  };
}
