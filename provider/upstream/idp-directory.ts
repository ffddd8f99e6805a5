import type { Connection } from 'mongoose';

import { open } from '../security/secret-box.ts';
import { idpModel, type IdpRecord } from './idp-model.ts';

/** How stale the list of upstreams may be: an `idps` change reaches every instance within this. */
export const IDP_CACHE_MS = 5000;

/** An enabled upstream as the screens and the sign-in flow use it (secret still sealed). */
export type ActiveIdp = Omit<IdpRecord, 'icon'> & { hasIcon: boolean };

/**
 * The enabled upstreams, read from MongoDB at most every IDP_CACHE_MS (one query for all of
 * them), so the sign-in screen costs no database read for its buttons and a change made by the
 * admin CLI on any machine is picked up without a restart.
 */
export class IdpDirectory {
  readonly #connection: Connection;
  readonly #encryptionKey: Uint8Array;
  #loaded: { until: number; idps: Promise<ActiveIdp[]> } | undefined;

  constructor(connection: Connection, encryptionKey: Uint8Array) {
    this.#connection = connection;
    this.#encryptionKey = encryptionKey;
  }

  enabled(): Promise<ActiveIdp[]> {
    if (!this.#loaded || this.#loaded.until <= Date.now()) {
      const idps = idpModel(this.#connection)
        // A handful of records: all of them, filtered here (no index on a flag is worth its writes).
        .find({}, { 'icon.data': 0 })
        .sort({ _id: 1 })
        .lean<IdpRecord[]>()
        .then((all) =>
          all.filter((idp) => idp.enabled).map(({ icon, ...rest }) => ({ ...rest, hasIcon: !!icon?.contentType })),
        );
      // A failed read is not cached: the next request tries again.
      idps.catch(() => {
        this.#loaded = undefined;
      });
      this.#loaded = { until: Date.now() + IDP_CACHE_MS, idps };
    }
    return this.#loaded.idps;
  }

  async find(id: string): Promise<ActiveIdp | undefined> {
    return (await this.enabled()).find((idp) => idp._id === id);
  }

  /** The upstream an email's domain must sign in through (home-realm discovery), if any. */
  async forEmail(email: string): Promise<ActiveIdp | undefined> {
    const at = email.lastIndexOf('@');
    if (at < 0) return undefined;
    const domain = email
      .slice(at + 1)
      .trim()
      .toLowerCase();
    return (await this.enabled()).find((idp) => idp.domains.includes(domain));
  }

  clientSecret(idp: ActiveIdp): Promise<string> {
    return open(this.#encryptionKey, idp.sealedClientSecret, `idp:${idp._id}`);
  }

  /** The icon of an enabled upstream (read when a browser asks for it; browsers cache it). */
  async icon(id: string): Promise<IdpRecord['icon'] | undefined> {
    if (!(await this.find(id))?.hasIcon) return undefined;
    const found = await idpModel(this.#connection).findById(id, { icon: 1 }).lean<Pick<IdpRecord, 'icon'>>();
    return found?.icon;
  }
}
