import type { Context } from 'koa';

import { formParser } from './parse-form.ts';

/**
 * Forms that carry a WebAuthn answer: the browser's JSON in a `credential` field. A registration
 * with attestation carries certificates, so these forms may be larger than the others (64 KiB).
 */
export const parsePasskeyForm = formParser('64kb');

/** The `credential` field as an object, or undefined when it is missing or not JSON. */
export function credentialField<T>(ctx: Context): T | undefined {
  const raw = (ctx.request.body as Record<string, unknown> | undefined)?.credential;
  if (typeof raw !== 'string' || raw.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}
