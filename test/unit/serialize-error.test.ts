import { expect } from 'chai';

import { serializeError } from '../../provider/observability/serialize-error.ts';

describe('serializeError', () => {
  it('keeps name, message, code and stack frames, and nothing else an error carries', () => {
    const err = Object.assign(new TypeError('Parse Error: Invalid character in chunk size'), {
      code: 'HPE_INVALID_CHUNK_SIZE',
      rawPacket: Buffer.from('Authorization: Basic c2VjcmV0'),
      request: { headers: { cookie: 'session' } },
    });
    const logged = serializeError(err) as Record<string, unknown>;
    expect(Object.keys(logged).sort()).to.deep.equal(['code', 'message', 'name', 'stack']);
    expect(logged).to.include({ name: 'TypeError', code: 'HPE_INVALID_CHUNK_SIZE' });
    expect(logged.message).to.equal('Parse Error: Invalid character in chunk size');
    expect(logged.stack).to.match(/^ {4}at /);
  });

  it('trims the stack to a few frames and a long message to a few hundred characters', () => {
    const err = new Error('x'.repeat(5000));
    err.stack = `Error: ${err.message}\n${'    at frame (file.js:1:1)\n'.repeat(50)}`;
    const logged = serializeError(err) as { message: string; stack: string };
    expect(logged.message.length).to.equal(300);
    expect(logged.stack.split('\n')).to.have.length(8);
  });

  it('follows the cause a few levels, each through the same rules', () => {
    const root = Object.assign(new Error('connection reset'), { code: 'ECONNRESET', secret: 's' });
    const logged = serializeError(new Error('query failed', { cause: root })) as { cause: Record<string, unknown> };
    expect(logged.cause).to.include({ name: 'Error', message: 'connection reset', code: 'ECONNRESET' });
    expect(logged.cause).not.to.have.property('secret');
    let deep: Error = new Error('0');
    for (let i = 1; i < 10; i += 1) deep = new Error(String(i), { cause: deep });
    expect(JSON.stringify(serializeError(deep)).match(/"message"/g)).to.have.length(4);
  });

  it('leaves a value that is not an error as it is', () => {
    expect(serializeError('invalid_request')).to.equal('invalid_request');
    expect(serializeError(undefined)).to.equal(undefined);
    expect(serializeError({ status: 400 })).to.deep.equal({ status: 400 });
  });

  it('drops a code that is neither a string nor a number', () => {
    const err = Object.assign(new Error('odd'), { code: { raw: 'bytes' } });
    expect(serializeError(err)).not.to.have.property('code');
  });
});
