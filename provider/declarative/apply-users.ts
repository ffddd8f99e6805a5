import { randomBytes } from 'node:crypto';

import { normalizeEmail } from '../accounts/normalize-email.ts';
import type { AdminDeps } from '../admin/admin-deps.ts';
import { AdminProblem } from '../admin/admin-deps.ts';
import { findUserByEmail } from '../admin/users.ts';
import { addUser } from '../admin/users/add-user.ts';
import type { ApplyOptions, ApplyResult, Change } from './apply-declaration.ts';
import type { Declaration } from './declaration.ts';

/** Whether a user with this email exists (the service's 404 is the answer "no"). */
async function userExists(deps: AdminDeps, email: string): Promise<boolean> {
  try {
    await findUserByEmail(deps, email);
    return true;
  } catch (err) {
    if (err instanceof AdminProblem && err.status === 404) return false;
    throw err;
  }
}

/**
 * The users a file declares, created with their first password when missing and never changed
 * afterwards. Each creation is the admin service's (its checks, its audit record with via 'config').
 */
export async function applyUsers(
  deps: AdminDeps,
  declaration: Declaration,
  options: ApplyOptions,
  generated: ApplyResult['generated'],
): Promise<Change[]> {
  const changes: Change[] = [];
  for (const declared of declaration.users) {
    const email = normalizeEmail(declared.email);
    const exists = await userExists(deps, email);
    changes.push({ kind: 'user', id: email, action: exists ? 'unchanged' : 'create' });
    if (!options.dryRun && !exists) {
      const password =
        options.resolveSecret(declared.password, `user ${email}`) ?? randomBytes(12).toString('base64url');
      await addUser(
        deps,
        { passwordMinLength: options.passwordMinLength ?? 8, passwordHashing: options.passwordHashing },
        { email, password, ...(declared.name !== undefined ? { name: declared.name } : {}), email_verified: true },
      );
      if (declared.password === 'generated') generated.push({ kind: 'user', id: email, secret: password });
    }
  }
  return changes;
}
