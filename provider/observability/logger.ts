import { pino, type Logger } from 'pino';

import type { LogLevel } from '../config.ts';
import { serializeError } from './serialize-error.ts';

export type { Logger };

/**
 * Paths that may carry a credential anywhere we log an object. pino removes them before
 * serialising, so a secret never reaches the output even when a caller logs too much.
 */
const REDACT = [
  'password',
  '*.password',
  'client_secret',
  '*.client_secret',
  'code',
  '*.code',
  'token',
  '*.token',
  'access_token',
  '*.access_token',
  'refresh_token',
  '*.refresh_token',
  'id_token',
  '*.id_token',
  'code_verifier',
  '*.code_verifier',
  'secret',
  '*.secret',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

/** Keys under which callers hand the logger an error: each goes through the one serializer. */
const ERROR_KEYS = ['err', 'error', 'cause', 'e'] as const;

/** An error's code (`HPE_INVALID_CHUNK_SIZE`, `ECONNREFUSED`, 11000) is a constant, not an OAuth `code`. */
const ERROR_CODE = /^[A-Z][A-Z0-9_]{2,63}$/;

function censor(value: unknown, path: string[]): unknown {
  const [key, field] = path;
  const errorCode =
    path.length === 2 &&
    field === 'code' &&
    (ERROR_KEYS as readonly string[]).includes(key ?? '') &&
    (typeof value === 'number' || (typeof value === 'string' && ERROR_CODE.test(value)));
  return errorCode ? value : '[redacted]';
}

/** One JSON logger per process; `destination` lets tests capture the output. */
export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    // One literal path per error key, so the censor learns which key a `code` is under (a
    // wildcard path tells it only "some key"); the serializer has dropped rawPacket already.
    redact: { paths: [...REDACT, ...ERROR_KEYS.map((key) => `${key}.rawPacket`)], censor },
    serializers: Object.fromEntries(ERROR_KEYS.map((key) => [key, (value: unknown) => serializeError(value)])),
    base: { service: 'meshid' },
  };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}
