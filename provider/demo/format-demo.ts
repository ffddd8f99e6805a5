import type { DemoSeed } from './seed-demo.ts';

const UNKNOWN = '(created earlier; only its hash is stored)';

/** The console banner that tells a new user what they can try. */
export function formatDemo(issuer: string, seed: DemoSeed, adminEnvironment?: Record<string, string>): string {
  const admin =
    adminEnvironment &&
    Object.entries(adminEnvironment)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ');
  // The real secret when it was just made; a placeholder when it was made on an earlier start.
  const serviceSecret = seed.clients.find((c) => c.clientId === 'demo-service')?.clientSecret ?? '<secret>';
  const lines = [
    '',
    '=== meshid demo =====================================================',
    `Issuer:        ${issuer}`,
    `Discovery:     ${issuer}/.well-known/openid-configuration`,
    `Demo user:     ${seed.user.email}  password: ${seed.user.password ?? UNKNOWN}`,
    `Demo API:      ${seed.api.indicator}  scopes: ${seed.api.scopes.join(' ')}`,
    `Internal API:  ${seed.internalApi.indicator}  scopes: ${seed.internalApi.scopes.join(' ')} (token exchange only)`,
    'Clients:',
    ...seed.clients.map(
      (c) =>
        `  ${c.clientId.padEnd(14)} secret: ${c.clientSecret ?? (c.public ? '(public client: none)' : UNKNOWN)}\n                 ${c.description}`,
    ),
    '',
    'Try client credentials:',
    `  curl -s -u demo-service:${serviceSecret} -d grant_type=client_credentials -d scope=orders:read ${issuer}/token`,
    ...(admin
      ? [
          '',
          'Manage this demo while it runs (the embedded database is reachable at this address):',
          `  ${admin} npm run admin -- clients list`,
          `  ${admin} npm run admin -- clients add --help`,
        ]
      : []),
    '======================================================================',
    '',
  ];
  return lines.join('\n');
}
