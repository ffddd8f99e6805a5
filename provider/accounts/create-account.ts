import { randomUUID } from 'node:crypto';

import type { Connection } from 'mongoose';

import { accountModel } from './account-model.ts';
import { looksLikeEmail, normalizeEmail } from './normalize-email.ts';
import type { PasswordHashingConfig } from '../config.ts';
import { OWASP_HASHING, hashPassword } from './password.ts';
import { passwordProblem } from './password-policy.ts';
import { displayNameProblem } from '../security/display-name.ts';

interface NewAccount {
  email: string;
  password: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  emailVerified?: boolean;
  /** self-registered: no sign-in until the address is confirmed */
  mustVerifyEmail?: boolean;
}

/**
 * Creates an account and returns its id (the stable `sub`). Throws a TypeError saying what is
 * wrong with the email, the names (display-name.ts) or the password (password policy: password-policy.ts), or a duplicate-key
 * error if the email is taken.
 */
export async function createAccount(
  connection: Connection,
  input: NewAccount,
  {
    minPasswordLength = 8,
    hashing = OWASP_HASHING,
    passwordHash,
  }: {
    minPasswordLength?: number;
    /** PASSWORD_HASH_*; a random password nobody knows (invitations, upstream accounts) may keep the default */
    hashing?: PasswordHashingConfig;
    /** the password's hash, already made (sign-up hashes before it knows whether the email is taken) */
    passwordHash?: Promise<string>;
  } = {},
): Promise<string> {
  const email = normalizeEmail(input.email);
  if (!looksLikeEmail(email)) throw new TypeError('not an email address');
  // Checked here so sign-up, invitations, the configuration file and upstream provisioning all share it.
  for (const name of [input.name, input.givenName, input.familyName]) {
    const nameProblem = name === undefined ? undefined : displayNameProblem(name);
    if (nameProblem) throw new TypeError(`a name ${nameProblem}`);
  }
  const problem = passwordProblem(input.password, minPasswordLength, email);
  if (problem) throw new TypeError(problem);
  const now = new Date();
  const id = randomUUID();
  await accountModel(connection).create({
    _id: id,
    email,
    emailVerified: input.emailVerified ?? false,
    mustVerifyEmail: input.mustVerifyEmail ?? false,
    name: input.name,
    givenName: input.givenName,
    familyName: input.familyName,
    passwordHash: await (passwordHash ?? hashPassword(input.password, hashing)),
    disabled: false,
    createdAt: now,
    updatedAt: now,
  });
  return id;
}
