import { inspect } from 'node:util';

import { expect } from 'chai';

import { rawSocket } from '../helpers/raw-socket.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const CLIENT_SECRET = 'ClientSecretXq9Vb7Lw';
const SESSION = 'SessionCookieT4mR8zPq';
const PASSWORD = 'PasswordHorseKLM3n5';
const BASIC = Buffer.from(`app-client:${CLIENT_SECRET}`).toString('base64');

/** Every way a logger or a serialiser might have spelled these bytes. */
function spellings(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const base64 = [0, 1, 2].map((skip) => {
    // base64 of a secret inside a longer value depends on where it starts: drop the edges
    // whose characters also depend on the neighbouring bytes.
    const aligned = bytes.subarray((3 - skip) % 3);
    return aligned.subarray(0, aligned.length - (aligned.length % 3)).toString('base64');
  });
  return [
    secret,
    ...base64,
    ...base64.map((b) => b.replaceAll('+', '-').replaceAll('/', '_')),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
    // util.inspect of a Buffer: <Buffer 43 6c 69 ...>
    [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' '),
    [...bytes].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join(''),
    [...bytes].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
    [...bytes].join(','),
    [...bytes].join(', '),
  ];
}

/** Decodes what looks like a byte array or base64 in the log, so no other layout hides a secret. */
function decodedLog(log: string): string {
  const arrays = [...log.matchAll(/\d{1,3}(?:\s*,\s*\d{1,3}){7,}/g)].map((m) =>
    Buffer.from(m[0].split(',').map(Number)).toString('latin1'),
  );
  const base64 = [...log.matchAll(/[A-Za-z0-9+/_-]{12,}={0,2}/g)].map((m) =>
    Buffer.from(m[0].replaceAll('-', '+').replaceAll('_', '/'), 'base64').toString('latin1'),
  );
  const hex = [...log.matchAll(/(?:[0-9a-fA-F]{2}[\s,]?){8,}/g)].map((m) =>
    Buffer.from(m[0].replaceAll(/[\s,]/g, ''), 'hex').toString('latin1'),
  );
  return [...arrays, ...base64, ...hex, decodeURIComponent(log.replaceAll(/%(?![0-9a-fA-F]{2})/g, '%25'))].join('\n');
}

function headers(path: string, extra: string[] = []): string {
  return [
    `POST ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    `Authorization: Basic ${BASIC}`,
    `Cookie: _session=${SESSION}; _interaction=${SESSION}`,
    'Content-Type: application/x-www-form-urlencoded',
    ...extra,
  ].join('\r\n');
}

const SECRETS = [CLIENT_SECRET, SESSION, PASSWORD, BASIC];

/** Which secrets the log holds, in any spelling: empty when it holds none. */
function leaks(log: string): string[] {
  const searched = `${log}\n${decodedLog(log)}`;
  return SECRETS.filter((secret) => spellings(secret).some((spelling) => searched.includes(spelling)));
}

const body = `grant_type=password&username=someone&password=${PASSWORD}&client_secret=${CLIENT_SECRET}`;

/** Malformed requests a fault run sends, each carrying all three secrets before the fault. */
function malformed(path: string): Record<string, string> {
  const size = Buffer.byteLength(body).toString(16);
  return {
    'a bad chunk size after a chunk': `${headers(path, ['Transfer-Encoding: chunked'])}\r\n\r\n${size}\r\n${body}\r\nzz\r\n\r\n`,
    'a chunk longer than announced': `${headers(path, ['Transfer-Encoding: chunked'])}\r\n\r\n4\r\n${body}\r\n0\r\n\r\n`,
    'a chunk without its CRLF': `${headers(path, ['Transfer-Encoding: chunked'])}\r\n\r\n${size}\r\n${body}XX0\r\n\r\n`,
    'a header line without a colon': `${headers(path, ['Content-Length: 10', 'broken header line'])}\r\n\r\n${body}`,
    'a control character in a header value': `${headers(path, [`X-Note: a\x01b`, `Content-Length: ${body.length}`])}\r\n\r\n${body}`,
    'a space in a header name': `${headers(path, ['Bad Name: x', `Content-Length: ${body.length}`])}\r\n\r\n${body}`,
    'both Content-Length and Transfer-Encoding': `${headers(path, ['Content-Length: 5', 'Transfer-Encoding: chunked'])}\r\n\r\n${body}`,
    'a body shorter than its Content-Length': `${headers(path, ['Content-Length: 4000'])}\r\n\r\n${body}`,
    'headers over the size limit': `${headers(path, [`X-Padding: ${'a'.repeat(20_000)}`, 'Content-Length: 4'])}\r\n\r\nabcd`,
    'a chunk size too large to parse': `${headers(path, ['Transfer-Encoding: chunked'])}\r\n\r\n${'f'.repeat(24)}\r\n${body}\r\n0\r\n\r\n`,
    'a chunked body cut off mid-chunk': `${headers(path, ['Transfer-Encoding: chunked'])}\r\n\r\n${size}\r\n${body.slice(0, -7)}`,
    'headers cut off mid-line': `${headers(path, [`Content-Length: ${body.length}`])}\r\nX-Cut: ${PASSWORD}`,
    'an invalid Content-Length': `${headers(path, ['Content-Length: 12abc'])}\r\n\r\n${body}`,
  };
}

/**
 * A fault run with malformed requests found the client secret, the session cookie and the
 * password in the log as the raw bytes of a parse error. No spelling of them may reach it.
 */
describe('attack: credentials in the log through malformed requests', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('attack-log-secrets');
  });
  after(() => server.stop());

  it('would see each secret in the shapes the old log held (raw packet bytes)', () => {
    const packet = Buffer.from(malformed('/token')['a bad chunk size after a chunk'] as string);
    const shapes = [
      JSON.stringify({ err: { rawPacket: packet } }),
      JSON.stringify({ err: { rawPacket: [...packet] } }),
      // util.inspect shows a Buffer's first 50 bytes only; a longer dump is spelled the same way.
      `rawPacket: <Buffer ${[...packet].map((b) => b.toString(16).padStart(2, '0')).join(' ')}>`,
      inspect({ rawPacket: new Uint8Array(packet) }, { maxArrayLength: Number.POSITIVE_INFINITY }),
      `rawPacket=${packet.toString('base64')}`,
      `rawPacket=${packet.toString('base64url')}`,
      `rawPacket=${packet.toString('hex')}`,
    ];
    for (const shape of shapes) expect(leaks(shape), shape.slice(0, 60)).to.have.members(SECRETS);
    expect(leaks('{"level":50,"err":{"type":"Error","message":"Parse Error: Invalid character"}}')).to.deep.equal([]);
  });

  for (const path of ['/token', '/interaction/some-uid/login', '/admin/api/v1/clients']) {
    for (const [label, bytes] of Object.entries(malformed(path))) {
      it(`logs no secret for ${label} on ${path}`, async () => {
        const before = server.logs.length;
        await rawSocket(server.issuer, bytes, { waitMs: 1500 });
        const log = server.logs.slice(before).join('\n');
        expect(leaks(log), log.slice(0, 2000)).to.deep.equal([]);
      });
    }
  }
});
