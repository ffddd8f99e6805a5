import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DocumentNetwork {
  /** what the provider fetches with: https URLs of the named hosts, answered by a local server */
  fetch: typeof fetch;
  /** serve `body` (JSON) at https://<host><path>, or answer with a status and headers */
  serve(
    path: string,
    answer: { json?: unknown; status?: number; headers?: Record<string, string>; raw?: string },
  ): void;
  close(): void;
}

/**
 * A small network for client ID metadata documents: the provider fetches https URLs on the
 * hosts named here, and a plain http server on 127.0.0.1 answers them (the test's stand-in for
 * TLS and DNS). Any other host fails like an unreachable one.
 */
export async function documentNetwork(hosts: string[]): Promise<DocumentNetwork> {
  const answers = new Map<
    string,
    { json?: unknown; status?: number; headers?: Record<string, string>; raw?: string }
  >();
  const server: Server = createServer((req, res) => {
    const answer = answers.get(req.url ?? '');
    if (!answer) return void res.writeHead(404).end();
    const body = answer.raw ?? JSON.stringify(answer.json);
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    fetch: (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.protocol !== 'https:' || !hosts.includes(url.hostname))
        return Promise.reject(new TypeError('fetch failed'));
      const { dispatcher: _guard, ...rest } = (init ?? {}) as RequestInit & { dispatcher?: unknown };
      return fetch(`http://127.0.0.1:${port}${url.pathname}`, rest);
    },
    serve: (path, answer) => answers.set(path, answer),
    close: () => server.close(),
  };
}
