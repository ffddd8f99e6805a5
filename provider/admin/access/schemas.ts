import { z } from 'zod';

/**
 * The inputs and views of groups and roles, for every door: the admin API validates with them
 * (and its OpenAPI document shows them), the console and the CLI parse their forms and argv into
 * them, and the operations check them once more, so a rule is stated here only.
 */
const groupName = z.string().min(1).max(64);
const roleName = z.string().min(1).max(64);
const resourceIndicator = z
  .string()
  .url()
  .max(2000)
  .describe('the API (resource indicator), percent-encoded in the path');
const accountId = z.string().min(1).max(200);
export const holderKind = z.enum(['user', 'group', 'client']);

export const newGroup = z
  .object({ name: groupName, parent: groupName.optional(), description: z.string().max(200).optional() })
  .strict();
export const groupRef = z.object({ group: groupName });
export const membership = z.object({ group: groupName, user: accountId });

export const roleRef = z.object({ resource: resourceIndicator, role: roleName });
export const roleBody = z
  .object({ scopes: z.array(z.string().min(1).max(200)).max(200), description: z.string().max(200).optional() })
  .strict();
export const roleInput = roleRef.extend(roleBody.shape);
export const holding = roleRef.extend({ kind: holderKind, subject: z.string().min(1).max(400) });
export const rolesQuery = z.object({ resource: resourceIndicator.optional() });

export const groupSummary = z.object({
  name: z.string(),
  parent: z.string().optional(),
  description: z.string().optional(),
  members: z.number().int(),
});
export const groupDetail = groupSummary.extend({
  members: z.array(z.object({ id: z.string(), email: z.string().optional(), source: z.string() })),
  roles: z.array(z.object({ resource: z.string(), role: z.string() })),
});
export const roleSummary = z.object({
  resource: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  description: z.string().optional(),
});
export const roleDetail = roleSummary.extend({
  holders: z.array(z.object({ kind: holderKind, subject: z.string(), label: z.string().optional() })),
});

export type NewGroup = z.infer<typeof newGroup>;
export type Membership = z.infer<typeof membership>;
export type RoleRef = z.infer<typeof roleRef>;
export type RoleInput = z.infer<typeof roleInput>;
export type Holding = z.infer<typeof holding>;
