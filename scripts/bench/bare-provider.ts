/**
 * The ceiling: a bare oidc-provider (same version, in-memory adapter, one ES256 key) issuing
 * client-credentials JWTs for one resource server, and nothing else. Started by scripts/bench.ts.
 * It also introspects: `bench-opaque` gets opaque tokens (no resource), the library's own
 * introspection path (client authentication, lookup, answer) as the floor of ours.
 */
import { exportJWK, generateKeyPair } from 'jose';
import { Provider } from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const audience = 'https://api.example.test';
const { privateKey } = await generateKeyPair('ES256', { extractable: true });

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'bench',
      client_secret: 'bench-secret',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
    },
    {
      client_id: 'bench-opaque',
      client_secret: 'bench-secret',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
    },
  ],
  jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: 'bench' }] },
  clientDefaults: { id_token_signed_response_alg: 'ES256' },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async (_ctx, client) => (client?.clientId === 'bench-opaque' ? undefined : audience),
      useGrantedResource: async () => true,
      getResourceServerInfo: async () => ({
        scope: 'orders:read orders:write',
        audience,
        accessTokenFormat: 'jwt',
        accessTokenTTL: 600,
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});
provider.listen(port, '127.0.0.1', () => process.stdout.write('BARE_READY\n'));
// A clean exit on SIGTERM, so a CPU profile (--cpu-prof) of the ceiling is written too.
process.once('SIGTERM', () => process.exit(0));
