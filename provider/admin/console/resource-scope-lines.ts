/**
 * A client's scopes per API (`resource_scopes`) as the console's text area shows them: one API a
 * line, its identifier and then the only scopes the client may ask for there.
 *
 * @example scopesFromLines('https://api.example orders:read\nhttps://api.example orders:write')
 *   // { 'https://api.example': ['orders:read', 'orders:write'] }
 */
export function scopesFromLines(text: string): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  for (const line of text.split(/\r?\n/)) {
    const [indicator, ...scopes] = line.split(/[\s,]+/).filter(Boolean);
    // An API named twice keeps the scopes of both lines, each once.
    if (indicator) map[indicator] = [...new Set([...(map[indicator] ?? []), ...scopes])];
  }
  return map;
}

/** The inverse, for showing a stored client's (anything else stored there shows nothing). */
export function linesFromScopes(map: unknown): string {
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return '';
  return Object.entries(map)
    .map(([indicator, scopes]) => [indicator, ...(Array.isArray(scopes) ? scopes.map(String) : [])].join(' '))
    .join('\n');
}
