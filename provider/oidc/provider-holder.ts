import type { Middleware } from 'koa';
import mount from 'koa-mount';
import type { Provider } from 'oidc-provider';

import type { ProviderKeys } from '../keys/key-store.ts';

/**
 * oidc-provider takes its keys once, at construction. To rotate keys without a restart the
 * provider is rebuilt with the new keys and swapped in here; it keeps no state of its own
 * (everything is in MongoDB), so requests already running finish on the old instance and new
 * ones go to the new one.
 */
export class ProviderHolder {
  readonly #build: (keys: ProviderKeys) => Provider;
  #keys: ProviderKeys;
  #provider: Provider;
  #mounted: Middleware;

  constructor(build: (keys: ProviderKeys) => Provider, keys: ProviderKeys) {
    this.#build = build;
    this.#keys = keys;
    this.#provider = build(keys);
    this.#mounted = mount(this.#provider);
  }

  get provider(): Provider {
    return this.#provider;
  }
  get keys(): ProviderKeys {
    return this.#keys;
  }

  replace(keys: ProviderKeys): void {
    const provider = this.#build(keys);
    this.#keys = keys;
    this.#provider = provider;
    this.#mounted = mount(provider);
  }

  /** The Koa middleware that always dispatches to the current provider. */
  middleware(): Middleware {
    return (ctx, next) => this.#mounted(ctx, next);
  }
}
