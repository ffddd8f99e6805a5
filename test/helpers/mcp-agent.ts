import { type OAuthClientProvider, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

import { Browser } from './browser.ts';
import type { TestUser } from './fixtures.ts';

export const AGENT_CALLBACK = 'http://127.0.0.1:4568/callback';

export interface AgentRun {
  /** the client_id the agent ended up with: a registered one, or its metadata document's URL */
  clientId: string;
  authorizationUrl: URL;
  consentHtml: string;
  /** what the `whoami` tool answered */
  toolText: string;
}

/**
 * An AI agent built on the official MCP SDK client, knowing only the MCP server's URL: its first
 * connection is refused (401), the SDK discovers the provider and registers (by DCR, or with
 * `clientMetadataUrl` by a metadata document), the user signs in and allows access through the
 * real screens, and the agent reconnects and calls the `whoami` tool.
 */
export async function runAgent(options: {
  issuer: string;
  mcpUrl: string;
  user: TestUser;
  name: string;
  clientMetadataUrl?: string;
}): Promise<AgentRun> {
  let information: OAuthClientInformationMixed | undefined;
  let tokens: OAuthTokens | undefined;
  let verifier = '';
  let authorizationUrl: URL | undefined;
  const provider: OAuthClientProvider = {
    clientMetadataUrl: options.clientMetadataUrl,
    get redirectUrl() {
      return AGENT_CALLBACK;
    },
    get clientMetadata() {
      return {
        client_name: options.name,
        redirect_uris: [AGENT_CALLBACK],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      };
    },
    clientInformation: () => information,
    saveClientInformation: (saved) => {
      information = saved;
    },
    tokens: () => tokens,
    saveTokens: (saved) => {
      tokens = saved;
    },
    redirectToAuthorization: (url) => {
      authorizationUrl = url;
    },
    saveCodeVerifier: (saved) => {
      verifier = saved;
    },
    codeVerifier: () => verifier,
  };
  const mcpUrl = new URL(options.mcpUrl);
  const first = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
  const refused = await new Client({ name: options.name, version: '1.0.0' }).connect(first).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(refused instanceof UnauthorizedError))
    throw new Error(`the first connection should need authorization: ${String(refused)}`);

  const browser = new Browser(options.issuer);
  const login = await browser.open(authorizationUrl!);
  const consent = await browser.submit(login, '/login', { email: options.user.email, password: options.user.password });
  const callback = (await browser.submit(consent, '/confirm')).leftTo;
  if (!callback) throw new Error(`the sign-in did not return to the agent:\n${consent.html.slice(0, 500)}`);
  await first.finishAuth(callback.searchParams.get('code')!);

  const connected = new Client({ name: options.name, version: '1.0.0' });
  await connected.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
  const result = await connected.callTool({ name: 'whoami', arguments: {} });
  await connected.close();
  return {
    clientId: authorizationUrl!.searchParams.get('client_id')!,
    authorizationUrl: authorizationUrl!,
    consentHtml: consent.html,
    toolText: (result.content as { text: string }[])[0]!.text,
  };
}
