import { join } from 'node:path';

import nunjucks from 'nunjucks';

import { VIEWS_DIR } from '../templates/environment.ts';

/** A mail as rendered: its subject and both bodies. */
interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/**
 * Renders `views/email/<kind>.txt.njk` (first line `Subject: …`, a blank line, the text body)
 * and `<kind>.html.njk`. The text environment does not HTML-escape (a link must stay a link);
 * the HTML one does, as the screens do.
 */
export class MailTemplates {
  readonly #text = new nunjucks.Environment(new nunjucks.FileSystemLoader(join(VIEWS_DIR, 'email')), {
    autoescape: false,
  });
  readonly #html = new nunjucks.Environment(new nunjucks.FileSystemLoader(join(VIEWS_DIR, 'email')), {
    autoescape: true,
  });

  render(kind: string, data: Record<string, unknown>): RenderedMail {
    const raw = this.#text.render(`${kind}.txt.njk`, data);
    const match = /^Subject: (.*)\r?\n\r?\n([\s\S]*)$/.exec(raw);
    if (!match) throw new Error(`email/${kind}.txt.njk must start with "Subject: …" and a blank line`);
    return { subject: match[1]!.trim(), text: match[2]!, html: this.#html.render(`${kind}.html.njk`, data) };
  }
}
