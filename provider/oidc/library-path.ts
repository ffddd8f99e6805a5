/**
 * The key oidc-provider's router (lib/helpers/router.js) matches a static path by: ASCII letters
 * folded to one case, and, when nothing matched, one trailing slash dropped. Its routes are ASCII,
 * so a path with any other character never matches one, here or there.
 */
function routeKey(path: string): string {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}

/**
 * Whether the library would route `path` (a request's `ctx.path`) to its static route `route`.
 * A guard that runs before the library has routed (so before `ctx.oidc.route` exists) decides
 * with this, never with `===`: `/REG/` and `/Reg` reach the registration endpoint too.
 *
 * @example reachesLibraryPath('/DEVICE/', '/device') // true
 */
export function reachesLibraryPath(path: string, route: string): boolean {
  return routeKey(path) === routeKey(route);
}
