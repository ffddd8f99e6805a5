import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A relying party's callback page on loopback, as an app would serve, for the Chromium tests. */
export interface CallbackServer {
  /** the redirect_uri */
  url: string;
  /** matches the callback with its query (code or error) */
  pattern: RegExp;
  close(): void;
}

export async function startCallbackServer(): Promise<CallbackServer> {
  const server = createServer((_req, res) => {
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><html lang="en"><title>Callback</title><p>back at the app</p></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  return { url, pattern: new RegExp(`^${url}\\?`), close: () => server.close() };
}
