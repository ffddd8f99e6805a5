/**
 * npm run fuzz [-- --count N --seed S] — starts the provider on 127.0.0.1 with the embedded
 * database (or MONGODB_URI), seeds a client, sends N malformed requests (default 10,000) at every
 * endpoint, and prints a summary. Exit 1 on any 5xx answer or if the process stopped answering.
 */
import { scriptArgs } from './cli-args.ts';
import { freePort } from './free-port.ts';
import { createAccount } from '../provider/accounts/create-account.ts';
import { registerClient } from '../provider/clients/register-client.ts';
import { loadConfig } from '../provider/config.ts';
import { startServer } from '../provider/server.ts';
import { formatSummary, runFuzz } from './fuzz/run-fuzz.ts';

const USAGE = `Usage: npm run fuzz [-- --count N --seed S]

Starts the provider on 127.0.0.1 (embedded database, or MONGODB_URI), sends N malformed requests
at every endpoint, and exits 1 on any 5xx answer or if the provider stopped answering.

  --count N   how many requests (1 to 1,000,000; default 10000)
  --seed S    the random seed, to replay a run (a whole number; default 1)
  --help      this text`;

const values = scriptArgs(
  USAGE,
  { count: { type: 'string', default: '10000' }, seed: { type: 'string', default: '1' } },
  (v) => {
    const count = Number(v.count);
    if (!Number.isInteger(count) || count < 1 || count > 1_000_000)
      throw new Error('--count must be a whole number from 1 to 1,000,000');
    if (!Number.isInteger(Number(v.seed))) throw new Error('--seed must be a whole number');
  },
);
const count = Number(values.count);
const seed = Number(values.seed);

const port = await freePort();
const issuer = `http://127.0.0.1:${port}`;
const server = await startServer(
  loadConfig({
    ...process.env,
    ISSUER: issuer,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DEMO_SEED: '0',
    // Registration (RFC 7591) is fuzzed too; no hourly limit keeps the bodies from the policy.
    REGISTRATION: 'open',
    REGISTRATION_PER_HOUR: '100000',
  }),
);
const redirectUri = 'http://127.0.0.1:9999/callback';
const { clientId, clientSecret } = await registerClient(server.provider, server.connection, {
  client_id: 'fuzz-client',
  redirect_uris: [redirectUri],
  grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
  response_types: ['code'],
});
await createAccount(server.connection, { email: 'fuzz@example.test', password: 'fuzz-password-not-common' }).catch(
  () => undefined,
);

const summary = await runFuzz({ baseUrl: issuer, clientId, clientSecret: clientSecret!, redirectUri }, { count, seed });
process.stdout.write(`${formatSummary(summary)}\n`);
await server.close();
process.exit(summary.serverErrors.length === 0 && summary.aliveAtEnd ? 0 : 1);
