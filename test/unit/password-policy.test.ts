import { expect } from 'chai';

import { passwordProblem } from '../../provider/accounts/password-policy.ts';

describe('password policy (NIST SP 800-63B)', () => {
  it('asks for the configured minimum length, counting characters not bytes', () => {
    expect(passwordProblem('short', 8)).to.equal('Use at least 8 characters.');
    expect(passwordProblem('ünïcödé', 8)).to.equal('Use at least 8 characters.');
    expect(passwordProblem('a-sound-passphrase', 15)).to.equal(undefined);
    expect(passwordProblem('fourteen-chars', 15)).to.equal('Use at least 15 characters.');
  });

  it('has no composition rules and accepts long passphrases', () => {
    expect(passwordProblem('all lower case words here', 8)).to.equal(undefined);
    expect(passwordProblem(`${'x'.repeat(64)} and more`, 8)).to.equal(undefined);
    expect(passwordProblem('y'.repeat(1025), 8)).to.equal('Use at most 1024 characters.');
  });

  it('refuses common and breached passwords, whatever their case', () => {
    for (const common of ['password', 'PASSWORD', 'qwerty123', 'iloveyou', '12345678', 'sunshine']) {
      expect(passwordProblem(common, 8), common).to.include('too common');
    }
  });

  it('refuses the email address as password', () => {
    expect(passwordProblem('Someone@Example.test', 8, 'someone@example.test')).to.include('email');
  });
});
