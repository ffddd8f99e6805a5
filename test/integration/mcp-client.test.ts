import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import {
  getOAuthProtectedResourceMetadataUrl,
  mcpAuthMetadataRouter,
} from '@modelcontextprotocol/sdk/server/auth/router.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { expect } from 'chai';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import * as oidc from 'openid-client';

import { oidcModel } from '../../adapters/mongodb.ts';
import { type DocumentNetwork, documentNetwork } from '../helpers/document-network.ts';
import { API, addApi, addServiceClient, addUser, type TestUser } from '../helpers/fixtures.ts';
import { AGENT_CALLBACK, runAgent } from '../helpers/mcp-agent.ts';
import { relyingParty } from '../helpers/relying-party.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const AGENT_DOCUMENT = 'https://agent.example/mcp-client.json';

/**
 * The official MCP SDK on both sides: an MCP server protected by this provider's tokens, and an
 * MCP client that knows only the server's URL. It discovers the provider, registers itself (RFC
 * 7591), signs the user in through the real screens and calls a tool as that user.
 */
describe('an MCP client (official SDK) reaching an MCP server protected by this provider', function () {
  this.timeout(60_000);
  let server: TestServer;
  let mcp: Server;
  let mcpUrl: string;
  let user: TestUser;
  let network: DocumentNetwork;

  before(async () => {
    // The MCP server listens first (on a port of its own choosing): its URL names the API.
    const app = createMcpExpressApp();
    mcp = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    mcpUrl = `http://127.0.0.1:${(mcp.address() as AddressInfo).port}/mcp`;
    // Agents on the web describe themselves by a metadata document on their own host.
    network = await documentNetwork(['agent.example']);
    network.serve('/mcp-client.json', {
      json: {
        client_id: AGENT_DOCUMENT,
        client_name: 'Agent by document',
        redirect_uris: [AGENT_CALLBACK],
        token_endpoint_auth_method: 'none',
      },
    });
    server = await startTestServer(
      'mcp',
      { REGISTRATION: 'open', REGISTRATION_RESOURCES: mcpUrl, CLIENT_METADATA_DOCUMENTS: '1' },
      { outgoingFetch: network.fetch },
    );
    await addApi(server, mcpUrl, ['mcp:tools']);
    await addApi(server);
    user = await addUser(server);

    // The MCP server, as its SDK's docs build one: RFC 9728 metadata naming this provider, and
    // tokens verified locally against our JWKS for its own URL as audience.
    const jwks = createRemoteJWKSet(new URL(`${server.issuer}/jwks`));
    const verifier = {
      async verifyAccessToken(token: string): Promise<AuthInfo> {
        let payload: JWTPayload;
        try {
          ({ payload } = await jwtVerify(token, jwks, { issuer: server.issuer, typ: 'at+jwt' }));
        } catch {
          throw new InvalidTokenError('invalid, expired or foreign token');
        }
        return {
          token,
          clientId: String(payload.client_id),
          scopes: String(payload.scope ?? '')
            .split(' ')
            .filter(Boolean),
          expiresAt: payload.exp,
          resource: new URL(String(payload.aud)),
          extra: { sub: payload.sub },
        };
      },
    };
    const oauthMetadata = await (await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)).json();
    app.use(
      mcpAuthMetadataRouter({ oauthMetadata, resourceServerUrl: new URL(mcpUrl), scopesSupported: ['mcp:tools'] }),
    );
    const auth = requireBearerAuth({
      verifier,
      requiredScopes: ['mcp:tools'],
      resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(new URL(mcpUrl)),
      expectedResource: new URL(mcpUrl),
    });
    app.post('/mcp', auth, async (req, res) => {
      const tools = new McpServer({ name: 'orders-mcp', version: '1.0.0' });
      tools.registerTool('whoami', { description: 'Who is calling' }, async () => ({
        content: [{ type: 'text', text: `user ${String(req.auth?.extra?.sub)} via ${req.auth?.clientId}` }],
      }));
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => void transport.close());
      await tools.connect(transport);
      await transport.handleRequest(req, res, req.body);
    });
  });
  after(async () => {
    network?.close();
    mcp?.close();
    await server?.stop();
  });

  it('discovers, registers by DCR, signs the user in through the screens, and calls a tool as that user', async () => {
    const run = await runAgent({ issuer: server.issuer, mcpUrl, user, name: 'SDK test agent' });
    expect(run.authorizationUrl.searchParams.get('resource')).to.equal(mcpUrl);
    expect(run.consentHtml).to.include('SDK test agent');
    const stored = (await oidcModel(server.connection, 'Client').findById(run.clientId).lean())!.payload as Record<
      string,
      unknown
    >;
    expect(stored.dynamic_client, 'registered by DCR').to.equal(true);
    expect(run.toolText).to.equal(`user ${user.id} via ${run.clientId}`);
  });

  it('registers by a client ID metadata document instead, and calls the tool the same way', async () => {
    const run = await runAgent({
      issuer: server.issuer,
      mcpUrl,
      user,
      name: 'document-agent',
      clientMetadataUrl: AGENT_DOCUMENT,
    });
    expect(run.clientId, 'no registration: the URL is the client_id').to.equal(AGENT_DOCUMENT);
    expect(run.consentHtml).to.include('Agent by document').and.include('<strong>agent.example</strong>');
    expect(run.toolText).to.equal(`user ${user.id} via ${AGENT_DOCUMENT}`);
  });

  it('refuses, at the MCP server, a token of this provider for another audience', async () => {
    const service = await addServiceClient(server);
    const { access_token: token } = await oidc.clientCredentialsGrant(await relyingParty(server.issuer, service), {
      resource: API,
      scope: 'orders:read',
    });
    const response = await fetch(mcpUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).to.equal(401);
    expect(response.headers.get('www-authenticate')).to.include('resource_metadata=');
  });
});
