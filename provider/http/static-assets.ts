import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Context, Next } from 'koa';

import { VIEWS_DIR } from '../views/environment.ts';

/** The few static files the screens use, read once at start-up and served from memory. */
const ASSETS: Record<string, { type: string; file: string }> = {
  '/assets/style.css': { type: 'text/css; charset=utf-8', file: 'static/style.css' },
  '/assets/recovery-codes.js': { type: 'text/javascript; charset=utf-8', file: 'static/recovery-codes.js' },
};

export function staticAssets() {
  const loaded = new Map(
    Object.entries(ASSETS).map(([path, { type, file }]) => [path, { type, body: readFileSync(join(VIEWS_DIR, file)) }]),
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
