import { Writable } from 'node:stream';

import { expect } from 'chai';

import { createLogger } from '../../provider/observability/logger.ts';

describe('logger redaction', () => {
  it('removes passwords, secrets, tokens, codes, cookies and Authorization headers', () => {
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk, _e, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    logger.info(
      {
        password: 'p1',
        client_secret: 's1',
        code: 'c1',
        token: 't1',
        refresh_token: 'r1',
        access_token: 'a1',
        body: { password: 'p2', code_verifier: 'v2' },
        req: { headers: { authorization: 'Basic abc', cookie: '_session=xyz' } },
      },
      'something',
    );
    const output = lines.join('');
    for (const secret of ['p1', 's1', 'c1', 't1', 'r1', 'a1', 'p2', 'v2', 'Basic abc', '_session=xyz']) {
      expect(output, secret).not.to.include(`"${secret}"`);
    }
    expect(output).to.include('[redacted]');
  });
});
