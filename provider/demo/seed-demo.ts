import { accountModel } from '../accounts/account-model.ts';
import { normalizeEmail } from '../accounts/normalize-email.ts';
import { ADMIN_ROLE, grantAdmin } from '../admin/admin-api-resource.ts';
import { readFile } from 'node:fs/promises';

import type { AdminDeps } from '../admin/admin-deps.ts';

import { applyDeclaration } from '../declarative/apply-declaration.ts';
import type { DeclaredClient } from '../declarative/declaration.ts';
import { parseDeclaration } from '../declarative/parse-declaration.ts';
import { secretResolver } from '../declarative/secret-reference.ts';

export const DEMO_API = 'https://api.example.test';
export const DEMO_EMAIL = 'demo@example.test';
/** A downstream API reached only with exchanged (narrowed) tokens. */
export const DEMO_INTERNAL_API = 'https://orders-db.example.test';

/** The demo is a configuration file like any other: docs/examples/demo.yaml. */
const DEMO_FILE = new URL('../../docs/examples/demo.yaml', import.meta.url);

interface DemoClient {
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

/** One line for the banner: what kind of client it is and where it lives. */
function describe(client: DeclaredClient): string {
  switch (client.type) {
    case 'web':
      return `web app (code + PKCE), redirect ${client.redirectUris?.[0]}`;
    case 'spa':
      return `single-page app (public, PKCE, no secret), redirect ${client.redirectUris?.[0]}`;
    case 'native':
      return `native app (public, PKCE), redirect ${client.redirectUris?.[0]}`;
    case 'device':
      return 'device or CLI (device flow, public): sign in at /device with the code it shows';
    case 'service':
      return `service (client_credentials) for ${client.resources?.join(' ')}`;
    case 'exchanger':
      return `token exchange to ${client.exchange?.resources.join(' ')} (${client.exchange?.scopes?.join(' ') ?? 'any scope'})`;
  }
}

/**
 * Applies the demo file: its APIs, clients and user, created when missing (generated secrets and
 * the password shown once), set back where they drifted; running it twice creates nothing twice.
 */
export async function seedDemo(admin: AdminDeps): Promise<DemoSeed> {
  const { connection } = admin;
  const declaration = parseDeclaration(await readFile(DEMO_FILE, 'utf8'), 'docs/examples/demo.yaml');
  const { generated } = await applyDeclaration(admin, declaration, {
    resolveSecret: secretResolver({}),
  });
  const made = (kind: 'client' | 'user', id: string) =>
    generated.find((entry) => entry.kind === kind && entry.id === id)?.secret;
  const resource = (indicator: string) => {
    const declared = declaration.resources.find((r) => r.indicator === indicator)!;
    return { indicator, scopes: declared.scopes };
  };
  const user = declaration.users[0]!;
  // The demo user is an administrator, so a newcomer sees the console at once.
  const account = await accountModel(connection)
    .findOne({ email: normalizeEmail(user.email) }, { _id: 1 })
    .lean();
  if (account) await grantAdmin(connection, admin.issuer, account._id, ADMIN_ROLE);
  return {
    user: { email: user.email, password: made('user', user.email) },
    clients: declaration.clients.map((client) => ({
      clientId: client.id,
      clientSecret: made('client', client.id),
      public: client.secret === undefined,
      description: describe(client),
    })),
    api: resource(DEMO_API),
    internalApi: resource(DEMO_INTERNAL_API),
  };
}
