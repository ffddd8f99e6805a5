import { expect } from 'chai';

import { signUpNameProblem } from '../../provider/accounts/sign-up.ts';

describe('signUpNameProblem', () => {
  it('counts characters, not UTF-16 units: 200 with an emoji pass, 201 do not', () => {
    expect(signUpNameProblem(`${'a'.repeat(199)}😀`)).to.equal(undefined);
    expect(signUpNameProblem('😀'.repeat(200))).to.equal(undefined);
    expect(signUpNameProblem('a'.repeat(201))).to.equal('must be at most 200 characters');
    expect(signUpNameProblem('😀'.repeat(201))).to.equal('must be at most 200 characters');
  });

  it('applies the shared display-name check', () => {
    expect(signUpNameProblem('Eve\u202egpj.exe')).to.include('bidi');
    expect(signUpNameProblem('Half\ud83d')).to.include('surrogate');
  });
});
