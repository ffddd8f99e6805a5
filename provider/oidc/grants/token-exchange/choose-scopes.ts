import { errors } from 'oidc-provider';

interface ScopeLimits {
  /** what the subject token holds: an exchange can only narrow it */
  subject: string[];
  /** what the target resource server understands */
  target: string[];
  /** the exchanging client's ceiling, if its policy sets one */
  policy?: string[];
}

/**
 * The scopes of an exchanged token. Asked-for scopes must all be held by the subject token
 * (else invalid_scope: an exchange never widens), available at the target, and within the
 * client's policy. Without `scope`, every subject scope the target and policy allow.
 */
export function chooseScopes(requested: string | undefined, limits: ScopeLimits): string[] {
  const allowed = (scope: string) => limits.target.includes(scope) && (!limits.policy || limits.policy.includes(scope));
  if (requested === undefined || requested.trim() === '') {
    const scopes = limits.subject.filter(allowed);
    if (scopes.length === 0)
      throw new errors.InvalidScope('no scope of the subject token is available at this target', requested ?? '');
    return scopes;
  }
  const asked = [...new Set(requested.split(' ').filter(Boolean))];
  for (const scope of asked) {
    if (!limits.subject.includes(scope))
      throw new errors.InvalidScope('the subject token does not hold this scope', scope);
    if (!allowed(scope))
      throw new errors.InvalidScope('this scope is not available at this target for this client', scope);
  }
  return asked;
}
