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

  it("logs an error under any usual key through one serializer: no rawPacket, the error's code kept", () => {
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
    const parseError = () =>
      Object.assign(new Error('Parse Error: Invalid character in chunk size'), {
        code: 'HPE_INVALID_CHUNK_SIZE',
        rawPacket: Buffer.from('Cookie: _session=xyz'),
      });
    logger.error({ err: parseError() }, 'as err');
    logger.error(parseError(), 'as the first argument');
    logger.error({ error: parseError(), cause: parseError(), e: parseError() }, 'under other keys');
    logger.info({ error: 'invalid_request', cause: 'aborted', body: { code: 'AUTHCODE' } }, 'strings stay');
    logger.info({ err: { code: 'a-mixed-Case-code' } }, 'not an error code');
    const output = lines.join('');
    expect(output).not.to.include('rawPacket');
    expect(output).not.to.include('_session');
    expect(output.match(/"code":"HPE_INVALID_CHUNK_SIZE"/g)).to.have.length(5);
    expect(output).to.include('"error":"invalid_request","cause":"aborted"');
    expect(output).not.to.include('AUTHCODE');
    expect(output).not.to.include('a-mixed-Case-code');
  });
});
