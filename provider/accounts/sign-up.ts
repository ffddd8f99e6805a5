import type { PasswordHashingConfig, SignupConfig } from '../config.ts';
import type { NotifyDeps } from '../mail/notify-account.ts';
import { countInWindow } from '../security/count-in-window.ts';
import { accountModel } from './account-model.ts';
import { createAccount } from './create-account.ts';
import { sendVerification } from './email-verification.ts';
import { looksLikeEmail, normalizeEmail } from './normalize-email.ts';
import { hashPassword } from './password.ts';
import { passwordProblem } from './password-policy.ts';
import { mailOwner } from '../mail/mail-owner.ts';
import { displayNameProblem } from '../security/display-name.ts';

const HOUR_MS = 60 * 60 * 1000;
/** Sign-ups per hour from one address. */
const SIGNUPS_PER_ADDRESS = 10;

export interface SignUpDeps extends NotifyDeps {
  signup: SignupConfig;
  passwordMinLength: number;
  passwordHashing: PasswordHashingConfig;
}

interface SignUpInput {
  email: string;
  password: string;
  name: string;
}

type SignUpResult =
  /** the same for a new account and a taken address: "check your inbox" */
  | { ok: true; accountId?: string }
  | { ok: false; reason: 'limited' | 'email' | 'domain' | 'name' | 'policy'; problem?: string };

/** Longest name sign-up takes, in characters (code points: an emoji counts once, as people count). */
export const MAX_NAME_LENGTH = 200;

/** Why a (trimmed) sign-up name is refused, or undefined: the shared display-name check, then its length. */
export function signUpNameProblem(name: string): string | undefined {
  const problem = displayNameProblem(name);
  if (problem) return problem;
  return [...name].length > MAX_NAME_LENGTH ? `must be at most ${MAX_NAME_LENGTH} characters` : undefined;
}

/** Whether self-registration accepts this (normalised) address's domain. */
function domainAllowed(signup: SignupConfig, email: string): boolean {
  if (signup.mode !== 'domains') return true;
  const domain = email.slice(email.lastIndexOf('@') + 1);
  return signup.domains.includes(domain);
}

/**
 * Self-registration. Every refusal here is about the input or the caller, never about whether
 * the address has an account: a taken address gets the same answer as a new one (and its owner
 * a mail saying someone tried), the password is hashed either way (the time an answer takes says
 * nothing), and the account, once made, cannot sign in until its address is confirmed.
 */
export async function signUp(deps: SignUpDeps, input: SignUpInput, ip: string): Promise<SignUpResult> {
  if ((await countInWindow(deps.connection, `signup:${ip}`, HOUR_MS)) > SIGNUPS_PER_ADDRESS)
    return { ok: false, reason: 'limited' };
  const email = normalizeEmail(input.email);
  if (!looksLikeEmail(email)) return { ok: false, reason: 'email' };
  if (!domainAllowed(deps.signup, email)) return { ok: false, reason: 'domain' };
  // Trimmed first, then checked and kept whole: cutting it could split a character in two.
  const name = input.name.trim();
  const nameProblem = signUpNameProblem(name);
  if (nameProblem) return { ok: false, reason: 'name', problem: nameProblem };
  const problem = passwordProblem(input.password, deps.passwordMinLength, email);
  if (problem) return { ok: false, reason: 'policy', problem };

  const passwordHash = hashPassword(input.password, deps.passwordHashing);
  const existing = await accountModel(deps.connection).exists({ email });
  if (existing) {
    await passwordHash;
    deps.mailer.inBackground(() => mailOwner(deps, 'signup-existing', email, {}));
    return { ok: true };
  }
  let accountId: string;
  try {
    accountId = await createAccount(
      deps.connection,
      { email, password: input.password, name: name || undefined, mustVerifyEmail: true },
      { minPasswordLength: deps.passwordMinLength, passwordHash },
    );
  } catch (err) {
    // Taken between the check and the insert: the same answer as above.
    if ((err as { code?: number }).code === 11000) return { ok: true };
    throw err;
  }
  deps.mailer.inBackground(() => sendVerification(deps, accountId));
  return { ok: true, accountId };
}
