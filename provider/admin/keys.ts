import { z } from 'zod';

import { keyModel, type StoredKey } from '../keys/key-model.ts';
import { rotateKeys } from '../keys/rotate-keys.ts';
import { type AdminDeps, conflict, recordAdmin } from './admin-deps.ts';

/** A key as administrators see it: never its private parts. */
export const keySchema = z.object({
  kind: z.string(),
  alg: z.string().optional(),
  kid: z.string().optional(),
  state: z.string(),
  created_at: z.string(),
  retired_at: z.string().optional(),
});
type KeyView = z.infer<typeof keySchema>;

/** Keys with their states and ages; never their private parts. */
export async function listKeys(deps: Pick<AdminDeps, 'connection'>): Promise<KeyView[]> {
  const all = await keyModel(deps.connection)
    .find({}, { sealed: 0 })
    .sort({ kind: 1, alg: 1, createdAt: 1 })
    .lean<StoredKey[]>();
  return all.map((k) => ({
    kind: k.kind,
    ...(k.alg ? { alg: k.alg } : {}),
    ...(k.publicJwk?.kid ? { kid: String(k.publicJwk.kid) } : {}),
    state: k.state,
    created_at: k.createdAt.toISOString(),
    ...(k.retiredAt ? { retired_at: k.retiredAt.toISOString() } : {}),
  }));
}

/** Next keys start signing, current ones retire, new next ones are made; every instance follows. */
export async function rotateSigningKeys(deps: AdminDeps): Promise<number> {
  const result = await rotateKeys(deps.connection, deps.keys.encryptionKey, deps.keys.retiredRetentionSeconds);
  if (!result.rotated) throw conflict(`not rotated: ${result.reason}`);
  await recordAdmin(deps, 'admin.keys.rotated', { details: { version: result.version } });
  return result.version;
}
