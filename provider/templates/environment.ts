import { fileURLToPath } from 'node:url';

import nunjucks from 'nunjucks';

/** `views/` at the project root; autoescape on so every value is HTML-escaped by default. */
export const VIEWS_DIR = fileURLToPath(new URL('../../views/', import.meta.url));

export function createViews(): nunjucks.Environment {
  return new nunjucks.Environment(new nunjucks.FileSystemLoader(VIEWS_DIR, { noCache: false }), {
    autoescape: true,
    throwOnUndefined: false,
  });
}
