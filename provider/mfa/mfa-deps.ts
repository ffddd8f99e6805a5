import type { Connection } from 'mongoose';

/** What the second-factor code needs: the database and the key that seals TOTP secrets. */
export interface MfaDeps {
  connection: Connection;
  encryptionKey: Uint8Array;
  /** shown by authenticator apps next to the account */
  issuerName: string;
}
