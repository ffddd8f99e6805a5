import { connect } from 'node:net';

/**
 * Writes bytes exactly as given to the server's port and collects what comes back until the
 * server closes the connection or `waitMs` passes: for requests no HTTP client would send
 * (broken chunking, bad header characters, truncated bodies).
 */
export function rawSocket(base: string, bytes: string | Buffer, { end = true, waitMs = 2000 } = {}) {
  const url = new URL(base);
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: url.hostname, port: Number(url.port) }, () => {
      socket.write(bytes);
      if (end) socket.end();
    });
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', finish);
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? finish() : reject(err)));
  });
}
