import { accountModel } from '../../accounts/account-model.ts';
import { createAccount } from '../../accounts/create-account.ts';
import { inviteAccount } from '../../accounts/invite-account.ts';
import { normalizeEmail } from '../../accounts/normalize-email.ts';
import type { PasswordHashingConfig } from '../../config.ts';
import type { NotifyDeps } from '../../mail/notify-account.ts';
import { type AdminDeps, conflict, invalid, recordAdmin } from '../admin-deps.ts';
import { checkedInput } from './checked-input.ts';
import { userAddSchema, userCreateSchema } from './schemas.ts';

/** PASSWORD_MIN_LENGTH and PASSWORD_HASH_*: what a first password must meet and how it is stored. */
interface PasswordRules {
  passwordMinLength: number;
  passwordHashing?: PasswordHashingConfig;
}

/** What an invitation needs: mail (absent when email is off: invitations are refused). */
export type InviteMail = (NotifyDeps & { passwordMinLength: number }) | undefined;

const taken = () => conflict('a user with this email already exists');

/** A refusal of the account store (policy: TypeError; a race on the unique email: 11000) as the admin layer's. */
async function created(work: Promise<string>): Promise<string> {
  try {
    return await work;
  } catch (err) {
    if ((err as { code?: number }).code === 11000) throw taken();
    if (err instanceof TypeError) throw invalid(`password refused: ${err.message}`);
    throw err;
  }
}

async function refuseTaken(deps: AdminDeps, email: string): Promise<void> {
  if (await accountModel(deps.connection).exists({ email: normalizeEmail(email) })) throw taken();
}

/** Creates a user with the first password the operator (CLI) or the configuration file gives. */
export async function addUser(deps: AdminDeps, rules: PasswordRules, input: unknown): Promise<string> {
  const user = checkedInput(userAddSchema, input);
  await refuseTaken(deps, user.email);
  const id = await created(
    createAccount(
      deps.connection,
      { email: user.email, password: user.password, name: user.name, emailVerified: user.email_verified },
      { minPasswordLength: rules.passwordMinLength, hashing: rules.passwordHashing },
    ),
  );
  await recordAdmin(deps, 'admin.user.added', { account: id });
  return id;
}

/** Creates a user and mails them a link to choose the first password: nobody else ever knows it. */
export async function inviteUser(deps: AdminDeps, mail: InviteMail, input: unknown): Promise<string> {
  const user = checkedInput(userCreateSchema, input);
  if (!mail) throw conflict('email is not configured (SMTP_URL): invitations cannot be sent');
  await refuseTaken(deps, user.email);
  const id = await created(inviteAccount(mail, user));
  await recordAdmin(deps, 'admin.user.invited', { account: id });
  return id;
}
