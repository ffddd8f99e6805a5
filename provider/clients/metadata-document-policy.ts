/**
 * Client ID metadata documents (an https URL as `client_id`): which hosts are fetched, and whether
 * a client is one the operator vouches for. Pure rules; oidc-provider does the fetching (https
 * only, no redirects, 5 KiB, a connect-time check that refuses special-use addresses).
 */

/** Whether `host` matches `pattern`: a host name, or `*.domain` for its subdomains. */
export function hostMatches(host: string, pattern: string): boolean {
  const name = host.toLowerCase();
  return pattern.startsWith('*.')
    ? name.endsWith(pattern.slice(1)) && name.length > pattern.length - 1
    : name === pattern;
}

/** With no list any host is fetched (and its clients shown unverified); with one, only those. */
export function metadataHostAllowed(clientId: string, patterns: readonly string[]): boolean {
  const url = URL.parse(clientId);
  if (!url) return false;
  return patterns.length === 0 || patterns.some((pattern) => hostMatches(url.hostname, pattern));
}

/** A document client the operator vouches for: its host is on a configured list. */
export function metadataHostVerified(clientId: string, patterns: readonly string[]): boolean {
  return patterns.length > 0 && metadataHostAllowed(clientId, patterns);
}

/** Whether a client id names a metadata document (an https URL). */
export function isMetadataDocumentClientId(clientId: unknown): clientId is string {
  return typeof clientId === 'string' && clientId.startsWith('https://') && URL.canParse(clientId);
}
