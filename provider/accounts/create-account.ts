import { randomUUID } from 'node:crypto';

import type { Connection } from 'mongoose';

import { accountModel } from './account-model.ts';
import { looksLikeEmail, normalizeEmail } from './normalize-email.ts';
import { hashPassword } from './password.ts';
import { passwordProblem } from './password-policy.ts';

export interface NewAccount {
  email: string;
  password: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  emailVerified?: boolean;
}

/**
 * Creates an account and returns its id (the stable `sub`). Throws a TypeError saying what is
 * wrong with the email or password (password policy: password-policy.ts), or a duplicate-key
 * error if the email is taken.
 */
export async function createAccount(
  connection: Connection,
  input: NewAccount,
  { minPasswordLength = 8 } = {},
): Promise<string> {
  const email = normalizeEmail(input.email);
  if (!looksLikeEmail(email)) throw new TypeError('not an email address');
  const problem = passwordProblem(input.password, minPasswordLength, email);
  if (problem) throw new TypeError(problem);
  const now = new Date();
  const id = randomUUID();
  await accountModel(connection).create({
    _id: id,
    email,
    emailVerified: input.emailVerified ?? false,
    name: input.name,
    givenName: input.givenName,
    familyName: input.familyName,
    passwordHash: await hashPassword(input.password),
    disabled: false,
    createdAt: now,
    updatedAt: now,
  });
  return id;
}
