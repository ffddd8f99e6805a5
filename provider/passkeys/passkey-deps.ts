import type { Connection } from 'mongoose';

import type { WebAuthnConfig } from '../config.ts';

/** What the passkey code needs: the database and who the relying party is. */
export interface PasskeyDeps {
  connection: Connection;
  webauthn: WebAuthnConfig;
}
