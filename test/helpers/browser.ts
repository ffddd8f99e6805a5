import { CookieJar } from 'tough-cookie';

/**
 * A small browser: a cookie jar, redirects followed by hand (so a test sees each hop), and
 * forms submitted the way the screens post them. It stops at the first redirect that leaves
 * the provider: that is the client's redirect_uri with the code or error.
 */
export interface Page {
  url: URL;
  status: number;
  html: string;
  headers: Headers;
  /** set when the provider sent the browser off to another origin (the client's callback) */
  leftTo?: URL;
}

export interface Form {
  action: string;
  fields: Record<string, string>;
}

const MAX_HOPS = 15;

function decodeEntities(value: string): string {
  return value
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

export function parseForms(html: string): Form[] {
  const forms: Form[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const action = /action="([^"]*)"/i.exec(match[1]!)?.[1] ?? '';
    const fields: Record<string, string> = {};
    for (const input of match[2]!.matchAll(/<input\b[^>]*>/gi)) {
      const name = /name="([^"]*)"/i.exec(input[0])?.[1];
      const value = /value="([^"]*)"/i.exec(input[0])?.[1] ?? '';
      if (name) fields[name] = decodeEntities(value);
    }
    forms.push({ action: decodeEntities(action), fields });
  }
  return forms;
}

export class Browser {
  readonly jar = new CookieJar();
  readonly #origin: string;
  readonly #alsoFollow: Set<string>;

  /** `alsoFollow`: other origins the browser keeps following redirects through (an upstream identity provider). */
  constructor(issuer: string, alsoFollow: string[] = []) {
    this.#origin = new URL(issuer).origin;
    this.#alsoFollow = new Set(alsoFollow.map((url) => new URL(url).origin));
  }

  async fetch(url: URL | string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url, this.#origin);
    const headers = new Headers(init.headers);
    const cookie = await this.jar.getCookieString(target.href);
    if (cookie) headers.set('cookie', cookie);
    if (!headers.has('accept')) headers.set('accept', 'text/html');
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const setCookie of response.headers.getSetCookie()) {
      await this.jar.setCookie(setCookie, target.href, { ignoreError: true });
    }
    return response;
  }

  /** GET, following redirects while they stay on the provider. */
  async open(url: URL | string): Promise<Page> {
    return this.#follow(await this.fetch(url), new URL(url, this.#origin));
  }

  /** Posts one form of the page (picked by the end of its action), with extra fields. */
  async submit(page: Page, actionEndsWith: string, fields: Record<string, string> = {}): Promise<Page> {
    const form = parseForms(page.html).find((f) => f.action.endsWith(actionEndsWith));
    if (!form) throw new Error(`no form ending in ${actionEndsWith} on ${page.url.href}:\n${page.html.slice(0, 500)}`);
    const target = new URL(form.action, page.url);
    const response = await this.fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form.fields, ...fields }).toString(),
    });
    return this.#follow(response, target);
  }

  async #follow(first: Response, firstUrl: URL): Promise<Page> {
    let response = first;
    let url = firstUrl;
    for (let hop = 0; hop < MAX_HOPS; hop += 1) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) {
        return { url, status: response.status, html: await response.text(), headers: response.headers };
      }
      const next = new URL(location, url);
      if (next.origin !== this.#origin && !this.#alsoFollow.has(next.origin)) {
        await response.arrayBuffer();
        return { url, status: response.status, html: '', headers: response.headers, leftTo: next };
      }
      await response.arrayBuffer();
      url = next;
      response = await this.fetch(next);
    }
    throw new Error('too many redirects');
  }
}
