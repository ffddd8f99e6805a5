import type { DemoSeed } from './seed-demo.ts';

const UNKNOWN = '(created earlier; only its hash is stored)';

interface DemoSurroundings {
  /** the environment that lets the admin CLI reach the embedded database while it runs */
  admin?: Record<string, string>;
  /** where development data is kept between runs */
  dataDir?: string;
  /** mails are kept for /dev/mail instead of being sent (no SMTP_URL, development) */
  mailPage?: boolean;
}

/** The console banner that tells a new user what they can try. */
export function formatDemo(
  issuer: string,
  seed: DemoSeed,
  { admin: adminEnvironment, dataDir, mailPage }: DemoSurroundings = {},
): string {
  const admin =
    adminEnvironment &&
    Object.entries(adminEnvironment)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ');
  const forgotten = seed.user.password === undefined || seed.clients.some((c) => !c.public && !c.clientSecret);
  // The real secret when it was just made; a placeholder when it was made on an earlier start.
  const serviceSecret = seed.clients.find((c) => c.clientId === 'demo-service')?.clientSecret ?? '<secret>';
  const lines = [
    '',
    '=== meshid demo =====================================================',
    `Issuer:        ${issuer}`,
    ...(dataDir
      ? [`Data:          kept in ${dataDir}/ across restarts (start over: npm start -- --fresh, or delete the folder)`]
      : []),
    `Discovery:     ${issuer}/.well-known/openid-configuration`,
    `Demo user:     ${seed.user.email}  password: ${seed.user.password ?? UNKNOWN}`,
    ...(mailPage
      ? [
          `Mail:          ${issuer}/dev/mail  (mailed codes: sign-in and second-factor set-up; reset and invitation links)`,
        ]
      : []),
    `Admin console: ${issuer}/admin  (the demo user is an admin; the console asks for a second factor: set one up at first sign-in)`,
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
          dataDir
            ? 'Manage this demo while it runs (its embedded database keeps this address across restarts, while the port is free):'
            : 'Manage this demo while it runs (the embedded database is reachable at this address until it stops):',
          `  ${admin} npm run admin -- clients list`,
          `  ${admin} npm run admin -- clients add --help`,
          'Run a second instance on the same database (every instance needs these same keys):',
          `  ${admin} PORT=<another port> npm start`,
          ...(forgotten
            ? [
                'Secrets made on an earlier start are kept only as hashes; make new ones with:',
                `  ${admin} npm run admin -- clients rotate-secret demo-web-1`,
                `  ${admin} npm run admin -- users reset-password ${seed.user.email}`,
              ]
            : []),
        ]
      : []),
    '======================================================================',
    '',
  ];
  return lines.join('\n');
}
