import { createHash } from 'node:crypto';

/**
 * The version of a representation an administrator read: the hash of its JSON. The admin API
 * sends it as the ETag, the console as a hidden field of its edit forms; a change based on an
 * older version is refused, so two administrators cannot overwrite each other.
 */
export function versionTag(representation: unknown): string {
  return createHash('sha256').update(JSON.stringify(representation)).digest('base64url').slice(0, 27);
}
