import type { errors, KoaContextWithOIDC, Provider } from 'oidc-provider';

import type { Logger } from '../observability/logger.ts';

type Next = () => Promise<unknown>;

type GrantError = Pick<errors.OIDCProviderError, 'error' | 'error_detail' | 'cause'>;

/**
 * What a client may be told about why a token request failed: oidc-provider answers every
 * invalid_grant with "grant request is invalid". These causes help a developer and give an
 * attacker nothing they did not send themselves (they hold the code, the verifier, the URI).
 */
const SAFE_DESCRIPTIONS: Record<string, string> = {
  'authorization code already consumed':
    'the authorization code was already used; the tokens issued for it have been revoked',
  'refresh token already used': 'the refresh token was already used; the grant has been revoked',
  'grant already used': 'the authorization code or refresh token was already used; the grant has been revoked',
  'authorization code is expired': 'the authorization code has expired',
  'refresh token is expired': 'the refresh token has expired',
  'authorization code redirect_uri mismatch': 'redirect_uri does not match the one of the authorization request',
  'code_verifier does not match code_challenge':
    'code_verifier does not match the code_challenge of the authorization request (PKCE)',
  'code_verifier must be provided': 'code_verifier is required (PKCE)',
  'authorization code not found': 'the authorization code is unknown or was revoked',
  'refresh token not found': 'the refresh token is unknown or was revoked',
  'grant not found': 'the grant behind this token was revoked',
  'grant is expired': 'the grant behind this token has expired',
  'client mismatch': 'the code or token was not issued to this client',
};

function grantErrorCause(err: GrantError): string | undefined {
  return err.error_detail ?? (err.cause instanceof Error ? err.cause.message : undefined);
}

/** The description to answer with, for a cause that is safe to name; undefined otherwise. */
function safeGrantErrorDescription(cause: string | undefined): string | undefined {
  return cause === undefined ? undefined : SAFE_DESCRIPTIONS[cause];
}

/**
 * Token endpoint failures name their cause: the error code stays (RFC 6749 5.2), the
 * description says what was wrong where that is safe, and every refusal is logged with its cause
 * and the client, so an operator can answer "why does my app get invalid_grant?".
 */
export function grantErrorDetails(provider: Provider, logger: Logger) {
  const causes = new WeakMap<object, GrantError>();
  provider.on('grant.error', (ctx, err) => {
    causes.set(ctx, err);
    logger.info(
      {
        requestId: ctx.state?.requestId,
        client: ctx.oidc?.client?.clientId,
        grantType: ctx.oidc?.params?.grant_type,
        error: err.error,
        cause: grantErrorCause(err),
      },
      'token request refused',
    );
  });

  return async function grantErrorDetails(ctx: KoaContextWithOIDC, next: Next): Promise<void> {
    await next();
    const err = causes.get(ctx);
    const body = ctx.body as { error?: string; error_description?: string } | undefined;
    if (!err || body?.error !== 'invalid_grant') return;
    const description = safeGrantErrorDescription(grantErrorCause(err));
    if (description) body.error_description = description;
  };
}
