import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import type { HttpConfig } from '../config.ts';

export interface HttpServer {
  readonly server: Server;
  /** true from the first moment of shutdown: /readyz answers 503 */
  readonly draining: boolean;
  /**
   * Drains and stops: every answer from now on carries `Connection: close`; after
   * SHUTDOWN_READY_DELAY_MS the listener closes (and idle connections with it); requests in
   * flight finish; at SHUTDOWN_TIMEOUT_MS after the call whatever is still open is closed, and
   * the promise settles then at the latest.
   */
  close(): Promise<void>;
}

/**
 * The public listener with explicit limits (Node's defaults let a slow client hold a connection
 * for a minute or more) and a shutdown with a deadline.
 *
 * @example const http = httpServer(app.callback(), config.http); http.server.listen(3000);
 */
export function httpServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  limits: HttpConfig,
): HttpServer {
  let draining = false;
  // Answers not yet sent: those begun before shutdown close their connection too.
  const pending = new Set<ServerResponse>();
  const closeAfter = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  // Node checks the header and request timeouts on this tick (default 30 s, longer than ours).
  const server = createServer({ connectionsCheckingInterval: 1000 }, (req, res) => {
    if (draining) closeAfter(res);
    else {
      pending.add(res);
      res.once('close', () => pending.delete(res));
    }
    handler(req, res);
  });
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;

  return {
    server,
    get draining() {
      return draining;
    },
    async close() {
      draining = true;
      for (const res of pending) closeAfter(res);
      // At the deadline every connection left is cut, and close() ends then (it never waits past it).
      let cut = false;
      let atDeadline!: () => void;
      const deadlinePassed = new Promise<void>((resolve) => {
        atDeadline = resolve;
      });
      const deadline = setTimeout(() => {
        cut = true;
        server.closeAllConnections();
        atDeadline();
      }, limits.shutdownTimeoutMs);
      try {
        // Balancers see /readyz fail and stop sending before the listener goes away.
        if (limits.shutdownReadyDelayMs > 0)
          await new Promise((resolve) => setTimeout(resolve, limits.shutdownReadyDelayMs));
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        if (cut) server.closeAllConnections();
        else server.closeIdleConnections();
        await Promise.race([closed, deadlinePassed]);
      } finally {
        clearTimeout(deadline);
      }
    },
  };
}
