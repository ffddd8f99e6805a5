import { testDatabaseUri } from './database.ts';
import { startProcessGroup } from './process-group.ts';
import type { TestServer } from './test-server.ts';

const ADMIN = new URL('../../scripts/admin.ts', import.meta.url).pathname;

export interface AdminResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The variables that point the CLI at a test server's database with this key. */
const databaseEnv = (server: TestServer, keyEncryptionKey: string) => ({
  MONGODB_URI: testDatabaseUri(),
  MONGODB_DATABASE: server.connection.name,
  KEY_ENCRYPTION_KEY: keyEncryptionKey,
});

/** Runs `npm run admin -- …` as a child process against a test server's database. */
export function runAdmin(
  server: TestServer,
  keyEncryptionKey: string,
  args: string[],
  stdin = '',
): Promise<AdminResult> {
  return runAdminWith(databaseEnv(server, keyEncryptionKey), args, stdin);
}

/** As runAdmin, with the server's ISSUER too: the admin API the CLI knows is the server's. */
export function runAdminWithIssuer(
  server: TestServer,
  keyEncryptionKey: string,
  args: string[],
  stdin = '',
): Promise<AdminResult> {
  return runAdminWith({ ...databaseEnv(server, keyEncryptionKey), ISSUER: server.issuer }, args, stdin);
}

/** Runs the admin CLI with exactly these variables (and PATH): nothing else of the environment. */
export async function runAdminWith(env: Record<string, string>, args: string[], stdin = ''): Promise<AdminResult> {
  const admin = startProcessGroup(process.execPath, [ADMIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdin,
  });
  const code = await admin.exited;
  return { code: code ?? -1, stdout: admin.stdout(), stderr: admin.stderr() };
}
