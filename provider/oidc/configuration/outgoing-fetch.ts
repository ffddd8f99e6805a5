import type { Config } from '../../config.ts';

/**
 * In development a metadata document may live on this machine or a private network: the
 * library's connect-time refusal of special-use addresses (its SSRF guard) is dropped there, and
 * only there.
 */
const developmentFetch: typeof fetch = (url, options) => {
  const { dispatcher: _guard, ...rest } = (options ?? {}) as RequestInit & { dispatcher?: unknown };
  return fetch(url, rest);
};

/**
 * A back-channel logout delivery: a POST of a logout token. Its URI was registered by an
 * operator (self-registered clients may not set one), and is usually an internal service, so
 * it goes out without the special-use address guard meant for metadata documents.
 */
function isLogoutDelivery(options: RequestInit | undefined): boolean {
  return options?.method === 'POST' && options.body instanceof URLSearchParams && options.body.has('logout_token');
}

/** The provider's fetch (metadata documents, logout deliveries); tests hand in a network of their own. */
export function outgoingFetch(config: Pick<Config, 'nodeEnv'>, testFetch: typeof fetch | undefined): typeof fetch {
  const baseFetch = testFetch ?? (config.nodeEnv === 'development' ? developmentFetch : fetch);
  return function outgoingFetch(url, options) {
    return isLogoutDelivery(options) ? developmentFetch(url, options) : baseFetch(url, options);
  };
}
