import type { Server } from 'node:http';

import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import type { Context, Next } from 'koa';
import Provider from 'oidc-provider';

import { freePort } from '../../scripts/free-port.ts';

/** A user of the upstream: its claims as the upstream tells them. */
export interface UpstreamUser {
  email?: string;
  email_verified?: boolean | string;
  name?: string;
  groups?: string[];
}

/** How the upstream misbehaves at its token endpoint (a test switches it per case). */
export type Tamper =
  | undefined
  | { kind: 'nonce' }
  | { kind: 'iss' }
  | { kind: 'signature' }
  | { kind: 'claims'; claims: Record<string, unknown> };

export interface UpstreamProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** users by their login name at the upstream (which is also their `sub`) */
  users: Map<string, UpstreamUser>;
  tamper: Tamper;
  /** fields its discovery document says instead of the true ones (an upstream pointing elsewhere) */
  discoveryOverride?: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A second, independent OpenID Provider as the upstream: a bare oidc-provider with its own
 * users, its development login page (any password), grants given without a consent screen,
 * and the ID token's claims in the ID token. A test can make its token endpoint lie: another
 * nonce or issuer (re-signed with the upstream's real key, so only that check can catch it) or a
 * broken signature.
 */
export async function startUpstreamProvider(
  redirectUris: string[],
  postLogoutRedirectUris: string[] = [],
): Promise<UpstreamProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  const users = new Map<string, UpstreamUser>();
  const upstream: UpstreamProvider = {
    issuer,
    clientId: 'meshid-downstream',
    clientSecret: 'upstream-test-secret-0123456789abcdef',
    users,
    tamper: undefined,
    close: async () => undefined,
  };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: upstream.clientId,
        client_secret: upstream.clientSecret,
        redirect_uris: redirectUris,
        post_logout_redirect_uris: postLogoutRedirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] },
    cookies: { keys: ['upstream-cookie-key'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, sub) {
      const user = users.get(sub);
      if (!user) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...user }) };
    },
    async loadExistingGrant(ctx) {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      return grant;
    },
  });
  provider.use(async (ctx: Context, next: Next) => {
    await next();
    if (ctx.path === '/.well-known/openid-configuration' && upstream.discoveryOverride) {
      ctx.body = { ...(ctx.body as object), ...upstream.discoveryOverride };
      return;
    }
    const body = ctx.body as { id_token?: string } | undefined;
    if (ctx.path !== '/token' || !body?.id_token || !upstream.tamper) return;
    const tamper = upstream.tamper;
    if (tamper.kind === 'signature') {
      const [header, payload, signature] = body.id_token.split('.');
      const flipped = `${signature!.slice(0, -4)}${signature!.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
      ctx.body = { ...body, id_token: `${header}.${payload}.${flipped}` };
      return;
    }
    const claims = decodeJwt(body.id_token);
    const changed =
      tamper.kind === 'nonce'
        ? { ...claims, nonce: 'not-the-nonce-that-was-sent' }
        : tamper.kind === 'iss'
          ? { ...claims, iss: 'https://evil.example' }
          : { ...claims, ...tamper.claims };
    const resigned = await new SignJWT(changed).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(privateKey);
    ctx.body = { ...body, id_token: resigned };
  });
  const server: Server = provider.listen(port, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  upstream.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return upstream;
}
