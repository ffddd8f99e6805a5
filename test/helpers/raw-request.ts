import { request } from 'node:http';

export interface RawRequest {
  method: string;
  path: string;
  /** sent as the Host header, which fetch does not let a caller set */
  host: string;
  body?: string;
  headers?: Record<string, string>;
}

/** One HTTP request with a Host header of the caller's choosing (a forgery, in attack tests). */
export function rawRequest(base: string, { method, path, host, body, headers = {} }: RawRequest) {
  const url = new URL(base);
  return new Promise<{ status: number; body: string; headers: import('node:http').IncomingHttpHeaders }>(
    (resolve, reject) => {
      const outgoing = request(
        {
          host: url.hostname,
          port: url.port,
          path,
          method,
          headers: { host, accept: 'application/json', 'content-type': 'application/json', ...headers },
        },
        (response) => {
          let data = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            data += chunk;
          });
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: data, headers: response.headers }),
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    },
  );
}
