/**
 * Characters a name shown to people must not hold: C0/C1 controls (\p{Cc}, NUL included), and the
 * bidirectional overrides, embeddings and isolates (U+202A–U+202E, U+2066–U+2069) that make a
 * consent screen show "Trusted App" for a name stored the other way round.
 */
const FORBIDDEN = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

/**
 * Why a display name (client_name, an API's, an upstream's or an account's name) is refused, or
 * undefined when it is fine. Lone surrogates are refused too: they are no character at all and
 * turn into U+FFFD, or an error, on the way to a page or a JSON encoder.
 *
 * @example displayNameProblem('Photo\u202Egpj.exe') // → 'must not contain control or bidirectional override characters'
 */
export function displayNameProblem(name: string): string | undefined {
  if (!name.isWellFormed()) return 'must not contain lone surrogates';
  if (FORBIDDEN.test(name)) return 'must not contain control or bidirectional override characters';
  return undefined;
}
