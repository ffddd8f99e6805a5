import { addApi, addUser, type TestUser } from './fixtures.ts';
import { startTestServer, type TestServer } from './test-server.ts';

export interface UseTestServerOptions<T> {
  /** configuration variables for this server */
  env?: Record<string, string>;
  /** the test API (fixtures' `API`) is registered unless this is false */
  api?: boolean;
  /** one user (fixtures' `addUser`) is added unless this is false */
  user?: boolean;
  /** what else the file's tests share (clients, more users), made once after the above */
  setup?: (server: TestServer, user: TestUser) => Promise<T>;
  /** passed on to startTestServer */
  issuerHost?: string;
}

export type TestHarness<T> = { server: TestServer; user: TestUser } & T;

/**
 * The preamble every integration file repeated: a server of its own (a fresh database), the test
 * API, a user and the file's clients made once in `before`, the server stopped (and its database
 * dropped) in `after`. The returned object is filled in by `before`: read it inside tests only.
 *
 * @example const t = useTestServer('tokens', { setup: async (server) => ({ web: await addWebClient(server) }) });
 */
export function useTestServer<T extends object = Record<never, never>>(
  label: string,
  options: UseTestServerOptions<T> = {},
): TestHarness<T> {
  const harness = {} as TestHarness<T>;
  before(async () => {
    harness.server = await startTestServer(label, options.env, { issuerHost: options.issuerHost });
    if (options.api !== false) await addApi(harness.server);
    if (options.user !== false) harness.user = await addUser(harness.server);
    if (options.setup) Object.assign(harness, await options.setup(harness.server, harness.user));
  });
  after(async () => {
    await harness.server?.stop();
  });
  return harness;
}
