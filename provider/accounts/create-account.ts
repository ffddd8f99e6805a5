import { randomUUID } from 'node:crypto';

import type { Connection } from 'mongoose';

import { accountModel } from './account-model.ts';
import { looksLikeEmail, normalizeEmail } from './normalize-email.ts';
import { hashPassword, MAX_PASSWORD_LENGTH } from './password.ts';

export interface NewAccount {
  email: string;
  password: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  emailVerified?: boolean;
}

/** Creates an account and returns its id (the stable `sub`). Throws if the email is taken. */
export async function createAccount(connection: Connection, input: NewAccount): Promise<string> {
  const email = normalizeEmail(input.email);
  if (!looksLikeEmail(email)) throw new TypeError('not an email address');
  if (input.password.length < 8 || input.password.length > MAX_PASSWORD_LENGTH) {
    throw new TypeError(`password must be 8 to ${MAX_PASSWORD_LENGTH} characters`);
  }
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
