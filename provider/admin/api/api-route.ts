import type { Context } from 'koa';
import type { z } from 'zod';

import type { AdminArea } from '../admin-api-resource.ts';
import type { AdminDeps } from '../admin-deps.ts';
import { versionTag } from '../version-tag.ts';

/**
 * One route of the admin API, declared once: the router registers it, validates its input with
 * these schemas, and the OpenAPI document is generated from the same declaration.
 */
export interface ApiRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI style: /clients/{id} */
  path: string;
  area: AdminArea;
  /** true: needs the area's write scope; false: its read scope will do */
  write: boolean;
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** undefined: 204 No Content */
  response?: z.ZodType;
  /** 200 unless said (201 for a creation) */
  status?: number;
  /**
   * The resource's current representation: its ETag is sent with it, and a change (PATCH, PUT,
   * DELETE) must name it in If-Match, so that two administrators cannot overwrite each other.
   */
  current?: (deps: AdminDeps, params: Record<string, string>) => Promise<unknown>;
  /** the answer says more than `current` (a user's detail page): its ETag is read from `current` */
  answerBeyondCurrent?: true;
  handler: (input: {
    deps: AdminDeps;
    params: Record<string, string>;
    query: Record<string, unknown>;
    body: unknown;
    ctx: Context;
  }) => Promise<unknown>;
}

/** A strong ETag of a representation: its version tag, quoted. */
export function etagOf(representation: unknown): string {
  return `"${versionTag(representation)}"`;
}

/** Cursor pagination: an opaque cursor is the last key of the previous page. */
const encodeCursor = (key: string | number) => Buffer.from(JSON.stringify(key)).toString('base64url');
export function decodeCursor<T extends string | number>(cursor: unknown, kind: 'string' | 'number'): T | undefined {
  if (typeof cursor !== 'string' || cursor === '') return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return typeof value === kind ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}

/** A page of items and the cursor of the next one (absent on the last page). */
export function page<T>(items: T[], limit: number, keyOf: (item: T) => string | number) {
  return {
    items,
    ...(items.length === limit && items.length > 0 ? { next_cursor: encodeCursor(keyOf(items.at(-1)!)) } : {}),
  };
}
