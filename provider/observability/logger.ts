import { pino, type Logger } from 'pino';

import type { LogLevel } from '../config.ts';

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

/** One JSON logger per process; `destination` lets tests capture the output. */
export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  const options = { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { service: 'meshid' } };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}
