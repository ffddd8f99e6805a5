import { bodyParser } from '@koa/bodyparser';

/** Screens post small url-encoded forms only; anything larger or of another type is refused. */
export const parseForm = bodyParser({ enableTypes: ['form'], formLimit: '16kb', encoding: 'utf-8' });
