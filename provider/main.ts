import { rm } from 'node:fs/promises';

import { type Config, ConfigError, loadConfig } from './config.ts';
import { withDevelopmentKeys } from './dev-data/development-keys.ts';
import { formatDemo } from './demo/format-demo.ts';
import { startServer } from './server.ts';

const USAGE = `Usage: npm start [-- --fresh]

Starts the provider. Every setting is an environment variable (.env.example lists them all,
with what each does); without MONGODB_URI an embedded development database is started and the
demo is seeded (docs/examples/demo.yaml), its data kept in DEV_DATA_DIR (default .meshid/).

  --fresh   forget the kept development data first (new keys, new demo secrets)
  --help    this text
`;

/** The configuration, or the process stops naming the bad variable. */
function readConfig(): Config {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * Process entry: read configuration, start, print the demo, stop cleanly on SIGTERM/SIGINT/SIGHUP.
 * `npm start -- --fresh` forgets the kept development data first.
 */
async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  let config = readConfig();
  if (config.devDataDir !== undefined && process.argv.includes('--fresh')) {
    await rm(config.devDataDir, { recursive: true, force: true });
  }
  config = await withDevelopmentKeys(config);

  // The configuration file's secret references ({ env: NAME }) are read from this process's environment.
  const running = await startServer(config, { secretEnvironment: process.env });
  if (running.demo) {
    process.stdout.write(
      formatDemo(config.issuer, running.demo, {
        admin: running.adminEnvironment,
        dataDir: running.devDataDir,
        mailPage: config.mail.devPage,
      }),
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    running.logger.info({ signal }, 'shutting down');
    await running.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  // A closed terminal: stop as cleanly as for Ctrl-C.
  process.once('SIGHUP', () => void stop('SIGHUP'));
}

main().catch((err: unknown) => {
  process.stderr.write(`start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
