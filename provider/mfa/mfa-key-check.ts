import type { Connection } from 'mongoose';

import { open, seal } from '../security/secret-box.ts';

const PROBE_ID = 'mfa-encryption-key';

class MfaKeyMismatchError extends Error {
  constructor() {
    super(
      'MFA_ENCRYPTION_KEY does not open the TOTP secrets this database holds: set the MFA encryption key the other instances use',
    );
    this.name = 'MfaKeyMismatchError';
  }
}

interface Probe {
  _id: string;
  sealed: string;
}

/**
 * Refuses a start-up whose MFA_ENCRYPTION_KEY is not the one the database's TOTP secrets are
 * sealed with (an instance started without it would answer every code sign-in with a failure).
 * The first instance seals a probe value; every later one must open it (on a database from
 * before the probe, the first instance to start after the upgrade sets it).
 */
export async function checkMfaKey(connection: Connection, key: Uint8Array): Promise<void> {
  const probes = connection.collection<Probe>('keyprobes');
  let probe = await probes.findOne({ _id: PROBE_ID });
  if (probe === null) {
    const sealed = await seal(key, 'probe', PROBE_ID);
    // $setOnInsert: instances starting together on an empty database agree on the first probe.
    await probes.updateOne({ _id: PROBE_ID }, { $setOnInsert: { sealed } }, { upsert: true });
    probe = await probes.findOne({ _id: PROBE_ID });
  }
  if (probe === null || !(await opens(key, probe.sealed, PROBE_ID))) throw new MfaKeyMismatchError();
}

async function opens(key: Uint8Array, sealed: string, bindTo: string): Promise<boolean> {
  return open(key, sealed, bindTo).then(
    () => true,
    () => false,
  );
}
