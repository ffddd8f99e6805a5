import { z } from 'zod';

import { keySchema, listKeys, rotateSigningKeys } from '../keys.ts';
import type { ApiRoute } from './api-route.ts';

export const keyRoutes: ApiRoute[] = [
  {
    method: 'get',
    path: '/keys',
    area: 'keys',
    write: false,
    summary: 'Signing and cookie keys with their states (next, current, retired) and dates; never private parts',
    response: z.object({ items: z.array(keySchema) }),
    handler: async ({ deps }) => ({ items: await listKeys(deps) }),
  },
  {
    method: 'post',
    path: '/keys/rotate',
    area: 'keys',
    write: true,
    summary: 'Rotate: next keys start signing, current ones retire; every instance follows',
    response: z.object({ version: z.number().int() }),
    handler: async ({ deps }) => ({ version: await rotateSigningKeys(deps) }),
  },
];
