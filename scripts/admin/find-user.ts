import { findUserByEmail } from '../../provider/admin/users.ts';
import type { AdminContext } from './admin-context.ts';

/** The user with this email (`_id` as commands name it), or the service's refusal naming it. */
export async function findUser(ctx: AdminContext, email: string): Promise<{ _id: string; email: string }> {
  const found = await findUserByEmail(ctx.admin(), email);
  return { _id: found.id, email: found.email };
}
