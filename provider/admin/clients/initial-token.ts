import { LIMITED_USES_POLICY, limitInitialTokenUses } from '../../clients/initial-token-uses.ts';
import { type AdminDeps, recordAdmin } from '../admin-deps.ts';
import { parseInput } from './parse-input.ts';
import { type InitialTokenInput, initialTokenSchema } from './schemas.ts';

/**
 * An initial access token for dynamic registration (REGISTRATION=token), returned once; with
 * `uses`, it registers at most that many clients.
 */
export async function issueInitialToken(
  deps: AdminDeps,
  input: InitialTokenInput,
): Promise<{ token: string; expiresIn: number; uses?: number }> {
  const { expires_in: expiresIn, uses } = parseInput(initialTokenSchema, input);
  const provider = await deps.provider();
  const iat = new provider.InitialAccessToken({ expiresIn, ...(uses ? { policies: [LIMITED_USES_POLICY] } : {}) });
  const token = await iat.save();
  if (uses) await limitInitialTokenUses(deps.connection, iat.jti, uses, expiresIn);
  await recordAdmin(deps, 'admin.registration.initial_token', { details: { expiresIn, uses } });
  return { token, expiresIn, ...(uses ? { uses } : {}) };
}
