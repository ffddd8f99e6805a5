import * as client from 'openid-client';

import { guardedFetch } from './guarded-fetch.ts';
import type { ActiveIdp } from './idp-directory.ts';

/** How long an upstream's discovery document is reused before it is fetched again. */
const DISCOVERY_CACHE_MS = 10 * 60 * 1000;

/** The upstream could not be reached or answered nonsense: a page says so, nothing hangs. */
export class UpstreamUnavailable extends Error {}

interface UpstreamClientOptions {
  /** how long one request to the upstream may take, ms */
  timeoutMs: number;
  clientSecret: (idp: ActiveIdp) => Promise<string>;
}

const isHttp = (url: string) => url.startsWith('http:');

/** The hosts the operator named for an upstream (its issuer; GitHub's API): the only ones that may be internal. */
const hostsOf = (idp: ActiveIdp) =>
  [idp.issuer, ...(idp.apiUrl ? [idp.apiUrl] : [])].map((url) => new URL(url).hostname.replace(/^\[|\]$/g, ''));

/**
 * openid-client configurations for upstreams. OpenID Connect upstreams by discovery (cached per
 * upstream and its last change; a failed discovery is not cached); GitHub from its fixed
 * endpoints, since it publishes no discovery document. Plain http is allowed only where the
 * upstream's settings allowed it: a loopback address (idp-settings.ts).
 */
export class UpstreamClients {
  readonly #options: UpstreamClientOptions;
  readonly #cache = new Map<string, { key: number; until: number; config: Promise<client.Configuration> }>();

  constructor(options: UpstreamClientOptions) {
    this.#options = options;
  }

  configuration(idp: ActiveIdp): Promise<client.Configuration> {
    const key = new Date(idp.updatedAt).getTime();
    const cached = this.#cache.get(idp._id);
    if (cached && cached.key === key && cached.until > Date.now()) return cached.config;
    const config = this.#build(idp);
    config.catch(() => this.#cache.delete(idp._id));
    this.#cache.set(idp._id, { key, until: Date.now() + DISCOVERY_CACHE_MS, config });
    return config;
  }

  async #build(idp: ActiveIdp): Promise<client.Configuration> {
    const secret = await this.#options.clientSecret(idp);
    const timeout = this.#options.timeoutMs / 1000;
    if (idp.type === 'github') {
      const config = new client.Configuration(
        {
          issuer: idp.issuer,
          authorization_endpoint: `${idp.issuer}/login/oauth/authorize`,
          token_endpoint: `${idp.issuer}/login/oauth/access_token`,
        },
        idp.clientId,
        undefined,
        client.ClientSecretPost(secret),
      );
      config.timeout = timeout;
      config[client.customFetch] = guardedFetch(hostsOf(idp));
      if (isHttp(idp.issuer) || isHttp(idp.apiUrl ?? '')) client.allowInsecureRequests(config);
      return config;
    }
    try {
      const fetchGuarded = guardedFetch(hostsOf(idp));
      const config = await client.discovery(
        new URL(idp.issuer),
        idp.clientId,
        undefined,
        client.ClientSecretBasic(secret),
        {
          timeout,
          [client.customFetch]: fetchGuarded,
          ...(isHttp(idp.issuer) ? { execute: [client.allowInsecureRequests] } : {}),
        },
      );
      // openid-client trusts the TLS channel for an ID token from the token endpoint (OIDC Core
      // 3.1.3.7 allows it); the signature is checked against the upstream's JWKS all the same.
      config[client.customFetch] = fetchGuarded;
      client.enableNonRepudiationChecks(config);
      return config;
    } catch (err) {
      throw new UpstreamUnavailable(`discovery of ${idp.issuer} failed: ${(err as Error).message}`, { cause: err });
    }
  }
}
