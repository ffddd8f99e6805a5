import { readFileSync } from 'node:fs';

/** This provider's version, from package.json (shown on the console and in the admin API's document). */
export const VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
