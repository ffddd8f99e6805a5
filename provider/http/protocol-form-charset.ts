import type { Context, Next } from 'koa';

import { UnsupportedMediaType } from '../errors.ts';

/** The charsets application/x-www-form-urlencoded is defined over (RFC 6749 appendix B: UTF-8). */
const FORM_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);

/** The declared charset of a form body, lower-cased and unquoted, or undefined when none is named. */
export function formCharset(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const [type, ...parameters] = contentType.split(';');
  if (type?.trim().toLowerCase() !== 'application/x-www-form-urlencoded') return undefined;
  for (const parameter of parameters) {
    const [name, value] = parameter.split('=');
    if (name?.trim().toLowerCase() === 'charset' && value !== undefined) {
      return value
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase();
    }
  }
  return undefined;
}

/**
 * The library reads every form body as UTF-8, whatever charset it declares: a UTF-16 body
 * would be misread, not refused. A form body in another charset gets 415 naming it.
 */
export async function protocolFormCharset(ctx: Context, next: Next): Promise<void> {
  const charset = formCharset(ctx.get('content-type'));
  if (charset !== undefined && !FORM_CHARSETS.has(charset)) {
    // Name the charset only when it looks like one: the header is the client's text.
    const named = /^[a-z0-9._:-]{1,40}$/.test(charset) ? `charset=${charset.toUpperCase()}` : 'this charset';
    throw new UnsupportedMediaType(
      `Form bodies must be UTF-8 (application/x-www-form-urlencoded); ${named} is not supported.`,
    );
  }
  await next();
}
