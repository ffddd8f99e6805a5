import { displayNameProblem } from '../security/display-name.ts';

/** Characters (code points, so an emoji counts once) a passkey's name may have. */
export const MAX_NAME_LENGTH = 60;

/**
 * The user's label for a passkey, tidied (runs of spaces made one, trimmed) or refused: it is shown
 * in mails and to administrators, so it passes the shared display-name check, and it is bounded.
 * Refused rather than cut: a cut could split a character in two.
 *
 * @example passkeyName('  Work   laptop ') // → { name: 'Work laptop' }
 */
export function passkeyName(input: string): { name: string } | { problem: string } {
  const problem = displayNameProblem(input);
  if (problem) return { problem };
  const name = input.replace(/\s+/g, ' ').trim();
  if ([...name].length > MAX_NAME_LENGTH) return { problem: `must be at most ${MAX_NAME_LENGTH} characters` };
  return { name: name || 'Passkey' };
}
