import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small fake of the GitHub endpoints the GitHub preset uses, with GitHub's shapes
 * (docs.github.com, "Authorizing OAuth apps" and the REST API for users and emails):
 *
 * - GET  /login/oauth/authorize?client_id&redirect_uri&scope&state&code_challenge&code_challenge_method=S256
 *        → 302 redirect_uri?code&state (the fake signs in `user` without a page)
 * - POST /login/oauth/access_token (form: client_id, client_secret, code, redirect_uri, code_verifier;
 *        Accept: application/json) → 200 {"access_token","token_type":"bearer","scope"}, or, like
 *        GitHub, 200 {"error":"bad_verification_code","error_description"} for a bad code or verifier
 * - GET  /api/user (Authorization: Bearer) → {"id": 1234, "login": "octo", "name": "Octo Cat", …}
 * - GET  /api/user/emails → [{"email","primary","verified","visibility"}]
 */
export interface FakeGitHub {
  url: string;
  apiUrl: string;
  user: { id: number; login: string; name: string | null };
  emails: { email: string; primary: boolean; verified: boolean; visibility: string | null }[];
  /** what the token endpoint received last */
  lastTokenRequest?: URLSearchParams;
  close(): void;
}

const body = async (req: IncomingMessage) => {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
};

export async function startFakeGitHub(clientId: string, clientSecret: string): Promise<FakeGitHub> {
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const tokens = new Set<string>();
  const fake: FakeGitHub = {
    url: '',
    apiUrl: '',
    user: { id: 583231, login: 'octocat', name: 'The Octocat' },
    emails: [{ email: 'octocat@github.example', primary: true, verified: true, visibility: 'public' }],
    close: () => undefined,
  };
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', fake.url);
    const json = (status: number, value: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(value));
    if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
      if (url.searchParams.get('client_id') !== clientId) return json(404, { error: 'not found' });
      const code = randomBytes(10).toString('hex');
      codes.set(code, {
        challenge: url.searchParams.get('code_challenge') ?? '',
        redirectUri: url.searchParams.get('redirect_uri') ?? '',
      });
      const back = new URL(url.searchParams.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      return res.writeHead(302, { location: back.href }).end();
    }
    if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
      const form = new URLSearchParams(await body(req));
      fake.lastTokenRequest = form;
      const issued = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret)
        return json(200, {
          error: 'incorrect_client_credentials',
          error_description: 'The client_id and/or client_secret passed are incorrect.',
        });
      if (!issued || issued.challenge !== challenge || issued.redirectUri !== form.get('redirect_uri'))
        return json(200, {
          error: 'bad_verification_code',
          error_description: 'The code passed is incorrect or expired.',
        });
      const token = `gho_${randomBytes(18).toString('hex')}`;
      tokens.add(token);
      return json(200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
    }
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !tokens.has(token)) return json(401, { message: 'Requires authentication' });
    if (req.method === 'GET' && url.pathname === '/api/user') return json(200, { ...fake.user, type: 'User' });
    if (req.method === 'GET' && url.pathname === '/api/user/emails') return json(200, fake.emails);
    return json(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.apiUrl = `${fake.url}/api`;
  fake.close = () => {
    server.closeAllConnections();
    server.close();
  };
  return fake;
}
