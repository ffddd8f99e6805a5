import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Context, Next } from 'koa';

import { VIEWS_DIR } from '../templates/environment.ts';

const JS = 'text/javascript; charset=utf-8';

/**
 * The few static files the screens use, read once at start-up and served from memory. The
 * WebAuthn browser library comes from our own origin, never a CDN: the screens' CSP allows
 * scripts from 'self' only, and a sign-in page must not run code another site can change.
 */
const ASSETS: Record<string, { type: string; file: string }> = {
  '/assets/style.css': { type: 'text/css; charset=utf-8', file: join(VIEWS_DIR, 'static/style.css') },
  '/assets/recovery-codes.js': { type: JS, file: join(VIEWS_DIR, 'static/recovery-codes.js') },
  '/assets/passkeys.js': { type: JS, file: join(VIEWS_DIR, 'static/passkeys.js') },
  '/assets/home-realm.js': { type: JS, file: join(VIEWS_DIR, 'static/home-realm.js') },
  '/assets/local-time.js': { type: JS, file: join(VIEWS_DIR, 'static/local-time.js') },
  '/assets/simplewebauthn-browser.js': {
    type: JS,
    // The package exports only its module entry; the browser bundle sits beside it.
    file: fileURLToPath(new URL('../dist/bundle/index.umd.min.js', import.meta.resolve('@simplewebauthn/browser'))),
  },
};

export function staticAssets() {
  const loaded = new Map(
    Object.entries(ASSETS).map(([path, { type, file }]) => [path, { type, body: readFileSync(file) }]),
  );
  return async function staticAssets(ctx: Context, next: Next) {
    const asset = ctx.method === 'GET' || ctx.method === 'HEAD' ? loaded.get(ctx.path) : undefined;
    if (!asset) return next();
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.type = asset.type;
    ctx.body = asset.body;
  };
}
