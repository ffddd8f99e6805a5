import { mailResetLink } from '../../accounts/password-reset.ts';
import { passwordProblem } from '../../accounts/password-policy.ts';
import { revokeAccountGrants } from '../../accounts/revoke-account-grants.ts';
import { storePassword } from '../../accounts/store-password.ts';
import type { PasswordHashingConfig } from '../../config.ts';
import type { NotifyDeps } from '../../mail/notify-account.ts';
import { type AdminDeps, conflict, invalid, recordAdmin } from '../admin-deps.ts';
import { storedUser } from '../users.ts';

/**
 * Sets a new password the operator gives (CLI only: the API and console never see one) and signs
 * the user out everywhere. Returns how many grants were revoked.
 */
export async function resetUserPassword(
  deps: AdminDeps,
  rules: { passwordMinLength: number; passwordHashing: PasswordHashingConfig },
  id: string,
  password: string,
): Promise<number> {
  const account = await storedUser(deps, id);
  const problem = passwordProblem(password, rules.passwordMinLength, account.email);
  if (problem) throw invalid(`password refused: ${problem}`);
  await storePassword(deps.connection, id, password, rules.passwordHashing);
  const revoked = await revokeAccountGrants(deps.connection, id);
  await recordAdmin(deps, 'admin.user.password_reset', { account: id, details: { grantsRevoked: revoked } });
  return revoked;
}

/**
 * Mails the user a single-use link to choose a new password (PASSWORD_RESET_TTL); nobody else
 * sees it. Their sessions end when they use it, as with "Forgot password?".
 */
export async function mailPasswordReset(
  deps: AdminDeps,
  mail: (NotifyDeps & { resetSeconds: number }) | undefined,
  id: string,
): Promise<void> {
  if (!mail) throw conflict('email is not configured (SMTP_URL): the link cannot be sent');
  const account = await storedUser(deps, id);
  if (account.disabled) throw invalid('the user is disabled: enable them first');
  await mailResetLink(mail, account);
  await recordAdmin(deps, 'admin.user.password_reset_sent', { account: id });
}
