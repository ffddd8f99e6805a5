import { Writable } from 'node:stream';

import { loadConfig } from '../../provider/config.ts';
import { startServer, type RunningServer, type StartOptions } from '../../provider/server.ts';
import { dropTestDatabase } from './drop-database.ts';
import { testDatabaseUri, uniqueDatabaseName } from './database.ts';
import { freePort } from '../../scripts/free-port.ts';

export interface TestServer extends RunningServer {
  issuer: string;
  /** every JSON log line the server wrote */
  logs: string[];
  stop(): Promise<void>;
}

/**
 * Starts the real provider on 127.0.0.1 with a fresh database of its own; `stop()` closes it
 * and drops that database. `env` overrides configuration variables.
 */
export async function startTestServer(
  label: string,
  env: Record<string, string> = {},
  options: Pick<StartOptions, 'secretEnvironment' | 'outgoingFetch'> & {
    /** the issuer's host name: `localhost` where a browser needs a domain (passkeys refuse IP addresses) */
    issuerHost?: string;
  } = {},
): Promise<TestServer> {
  const port = await freePort();
  const issuer = `http://${options.issuerHost ?? '127.0.0.1'}:${port}`;
  const logs: string[] = [];
  const logDestination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const config = loadConfig({
    NODE_ENV: 'test',
    ISSUER: issuer,
    PORT: String(port),
    HOST: '127.0.0.1',
    MONGODB_URI: testDatabaseUri(),
    MONGODB_DATABASE: uniqueDatabaseName(label),
    LOG_LEVEL: 'info',
    DEMO_SEED: '0',
    ...env,
  });
  const running = await startServer(config, {
    logDestination,
    secretEnvironment: options.secretEnvironment,
    outgoingFetch: options.outgoingFetch,
  });
  // Added onto the server itself, not spread: `provider` and `keys` are live (keys rotate).
  return Object.assign(running, {
    issuer,
    logs,
    async stop() {
      await dropTestDatabase(running.connection);
      await running.close();
    },
  });
}
