import { randomBytes } from 'node:crypto';

import { accountModel } from '../accounts/account-model.ts';
import { createAccount } from '../accounts/create-account.ts';
import { normalizeEmail } from '../accounts/normalize-email.ts';
import type { AdminDeps } from '../admin/admin-deps.ts';
import type { ApplyOptions, ApplyResult, Change } from './apply-declaration.ts';
import type { Declaration } from './declaration.ts';

/** The users a file declares, created with their first password when missing and never changed afterwards. */
export async function applyUsers(
  deps: AdminDeps,
  declaration: Declaration,
  options: ApplyOptions,
  generated: ApplyResult['generated'],
): Promise<Change[]> {
  const changes: Change[] = [];
  const Accounts = accountModel(deps.connection);
  for (const declared of declaration.users) {
    const email = normalizeEmail(declared.email);
    const exists = await Accounts.exists({ email });
    changes.push({ kind: 'user', id: email, action: exists ? 'unchanged' : 'create' });
    if (!options.dryRun && !exists) {
      const password =
        options.resolveSecret(declared.password, `user ${email}`) ?? randomBytes(12).toString('base64url');
      await createAccount(
        deps.connection,
        { email, password, name: declared.name, emailVerified: true },
        { minPasswordLength: options.passwordMinLength, hashing: options.passwordHashing },
      );
      if (declared.password === 'generated') generated.push({ kind: 'user', id: email, secret: password });
    }
  }
  return changes;
}
