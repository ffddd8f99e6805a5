import type { errors, KoaContextWithOIDC, Provider } from 'oidc-provider';

type Next = () => Promise<unknown>;

/** What oidc-provider's replay check says (helpers/validate_dpop.js) before it hides it. */
const REPLAY = 'DPoP proof JWT Replay detected';
const DESCRIPTION = 'the DPoP proof was already used';

/**
 * RFC 9449 5 and 7.1 name a bad proof `invalid_dpop_proof`, but oidc-provider reports a replayed
 * one as the error of the endpoint (`invalid_grant` at /token, `invalid_token` at userinfo) with
 * the cause only in its log detail. This puts the standard code back: in the body at /token, and
 * at userinfo also in its DPoP challenge (keeping the realm and algs the library wrote).
 */
export function dpopReplayError(provider: Provider) {
  const replays = new WeakSet<object>();
  const remember = (ctx: KoaContextWithOIDC, err: Pick<errors.OIDCProviderError, 'error_detail'>) => {
    if (err.error_detail === REPLAY) replays.add(ctx);
  };
  provider.on('grant.error', remember);
  provider.on('userinfo.error', remember);

  return async function nameReplayedDpopProofs(ctx: KoaContextWithOIDC, next: Next): Promise<void> {
    await next();
    if (!replays.has(ctx)) return;
    ctx.body = { error: 'invalid_dpop_proof', error_description: DESCRIPTION };
    if (ctx.oidc?.route !== 'userinfo') return;
    ctx.status = 401;
    const algs = /algs="([^"]*)"/.exec(ctx.response.get('WWW-Authenticate'))?.[1];
    ctx.set(
      'WWW-Authenticate',
      `DPoP realm="${provider.issuer}", error="invalid_dpop_proof", error_description="${DESCRIPTION}"${algs ? `, algs="${algs}"` : ''}`,
    );
  };
}
