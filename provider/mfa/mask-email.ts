/**
 * An address as a screen may show it to someone who knows only the password: enough for the
 * owner to recognise it, not enough to learn it. `dana@example.test` → `d***@example.test`.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
