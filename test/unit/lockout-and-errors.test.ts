import { expect } from 'chai';
import { errors } from 'oidc-provider';

import { describeError } from '../../provider/http/error-handler.ts';
import { InvalidRequest, NotFound } from '../../provider/errors.ts';
import { FREE_ATTEMPTS, lockoutDelay } from '../../provider/mfa/lockout-delay.ts';
import { accountDelay, accountWideDelay, throttleKeys } from '../../provider/security/login-throttle.ts';

const throttle = { delayAfter: 5, lockAfter: 20, lockSeconds: 900, accountLockAfter: 100 };

describe('lockout delays and error descriptions (pure rules)', () => {
  it('second factor: five free wrong codes, then 30 s doubling up to 15 minutes', () => {
    expect(FREE_ATTEMPTS).to.equal(5);
    expect([0, 4, 5, 6, 7, 20].map(lockoutDelay)).to.deep.equal([0, 0, 30, 60, 120, 900]);
  });

  it('password from one address: free, then 1 s doubling up to 60 s, then the lock', () => {
    expect([1, 4, 5, 6, 10, 12, 19, 20].map((n) => accountDelay(n, throttle))).to.deep.equal([
      0, 0, 1, 2, 32, 60, 60, 900,
    ]);
  });

  it('password from all addresses: only the lock, at its own count', () => {
    expect([1, 99, 100].map((n) => accountWideDelay(n, throttle))).to.deep.equal([0, 0, 900]);
  });

  it('keys counters by the normalised email and by email with address, never by address alone', () => {
    expect(throttleKeys(' Ada@Example.COM ', '203.0.113.9')).to.deep.equal({
      account: 'acct:ada@example.com',
      accountFromAddress: 'acct-ip:ada@example.com|203.0.113.9',
    });
  });

  it('describes errors safely: our messages shown, 5xx and unexposed ones hidden', () => {
    expect(describeError(new InvalidRequest('Bad form.'))).to.deep.equal({
      status: 400,
      error: 'invalid_request',
      message: 'Bad form.',
    });
    expect(describeError(new NotFound())).to.include({ status: 404, error: 'not_found' });
    expect(describeError(new Error('secret internals'))).to.deep.include({ status: 500, error: 'server_error' });
    expect(describeError(new Error('secret internals')).message).not.to.include('secret');
    expect(describeError(Object.assign(new Error('x'), { status: 400, expose: false })).status).to.equal(500);
    expect(describeError(new errors.SessionNotFound('gone'))).to.include({ status: 400, error: 'session_not_found' });
    expect(describeError('a string').status).to.equal(500);
  });
});
