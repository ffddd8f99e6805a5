import { z } from 'zod';

/** Shared pieces of the admin API's schemas. */
export const limitQuery = z.coerce.number().int().min(1).max(200).default(50).describe('items per page (1-200)');
export const cursorQuery = z.string().max(200).optional().describe('next_cursor of the previous page');

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), next_cursor: z.string().optional().describe('absent on the last page') });
