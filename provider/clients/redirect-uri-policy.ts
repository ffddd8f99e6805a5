import { errors } from 'oidc-provider';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * RFC 9700 2.1 / 4.1: redirect URIs over plain http are refused except on the loopback
 * interface (where nothing crosses a network). Native apps may also use private-use schemes
 * (RFC 8252 7.1); web apps only https.
 */
export function redirectUriProblem(uri: string, applicationType: string | undefined): string | undefined {
  const url = URL.parse(uri);
  if (!url) return `${uri} is not an absolute URI`;
  if (url.hash) return `${uri} must not have a fragment`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:')
    return LOOPBACK.has(url.hostname) ? undefined : `${uri} uses http on a non-loopback host`;
  if (applicationType === 'native' && url.protocol.includes('.')) return undefined;
  return `${uri} uses a scheme that is not allowed`;
}

export function assertRedirectUris(metadata: {
  redirect_uris?: readonly string[];
  post_logout_redirect_uris?: readonly string[];
  application_type?: string;
}): void {
  for (const uri of [...(metadata.redirect_uris ?? []), ...(metadata.post_logout_redirect_uris ?? [])]) {
    const problem = redirectUriProblem(uri, metadata.application_type);
    if (problem) throw new errors.InvalidClientMetadata(problem);
  }
}
