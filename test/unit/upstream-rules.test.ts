import { expect } from 'chai';

import { ACR_FEDERATED, ACR_MFA, codeAmr } from '../../provider/mfa/acr.ts';
import { hasSecondFactor } from '../../provider/passkeys/passkey-methods.ts';
import { chooseAccount } from '../../provider/upstream/choose-account.ts';
import { federatedLogin } from '../../provider/upstream/federated-login.ts';
import { identityFromClaims, identityFromGitHub, MAX_GROUPS } from '../../provider/upstream/identity-claims.ts';
import { idpSettings, upstreamUrl } from '../../provider/upstream/idp-settings.ts';

const MAPPING = { email: 'email', emailVerified: 'email_verified', name: 'name', groups: 'groups' };

describe('upstream settings', () => {
  const base = { id: 'corp', type: 'oidc' as const, issuer: 'https://login.example.com/', clientId: 'c' };

  it('refuses an upstream display name with control, bidi-override or lone-surrogate characters', () => {
    for (const displayName of ['Corp\u0000', 'Corp\u202eevil', 'Corp\ud800', 'Co\u2066rp'])
      expect(() => idpSettings({ ...base, displayName }), JSON.stringify(displayName)).to.throw(/display name/);
    expect(idpSettings({ ...base, displayName: 'Société 株式会社 🚀' }).displayName).to.equal('Société 株式会社 🚀');
  });

  it('fills OpenID Connect defaults and trims the issuer', () => {
    const settings = idpSettings(base);
    expect(settings).to.include({ issuer: 'https://login.example.com', displayName: 'corp', provision: false });
    expect(settings.scopes).to.deep.equal(['openid', 'email', 'profile']);
    expect(settings.claims).to.deep.equal({ email: 'email', emailVerified: 'email_verified', name: 'name' });
  });

  it('makes GitHub a preset that can point to an Enterprise Server', () => {
    expect(idpSettings({ id: 'github', type: 'github', clientId: 'c' })).to.include({
      issuer: 'https://github.com',
      apiUrl: 'https://api.github.com',
      displayName: 'GitHub',
    });
    expect(
      idpSettings({
        id: 'ghe',
        type: 'github',
        clientId: 'c',
        issuer: 'https://ghe.example',
        apiUrl: 'https://ghe.example/api/v3',
      }).apiUrl,
    ).to.equal('https://ghe.example/api/v3');
    expect(() => idpSettings({ id: 'gh', type: 'github', clientId: 'c', userinfo: true })).to.throw('preset');
  });

  it('refuses what would be unsafe or ambiguous', () => {
    expect(() => idpSettings({ ...base, id: 'Corp Id' })).to.throw('id must be');
    expect(() => idpSettings({ ...base, issuer: 'http://login.example.com' })).to.throw('https');
    expect(() => idpSettings({ ...base, issuer: 'https://user:pw@login.example.com' })).to.throw('credentials');
    expect(() => idpSettings({ ...base, scopes: ['email'] })).to.throw('openid');
    expect(() => idpSettings({ ...base, domains: ['not a domain'] })).to.throw('not a domain');
    expect(() => idpSettings({ ...base, claims: { email: 'e mail' } })).to.throw('claim');
    expect(() => idpSettings({ ...base, type: 'saml' as never })).to.throw('type');
  });

  it('allows plain http only to this machine', () => {
    expect(upstreamUrl('http://127.0.0.1:4000', 'issuer')).to.equal('http://127.0.0.1:4000');
    expect(upstreamUrl('http://localhost:4000/realms/x', 'issuer')).to.equal('http://localhost:4000/realms/x');
    expect(() => upstreamUrl('http://10.0.0.1', 'issuer')).to.throw('https');
    expect(() => upstreamUrl('javascript:alert(1)', 'issuer')).to.throw('https');
  });
});

describe('upstream claims', () => {
  it('maps claims, normalises the email and bounds what is kept', () => {
    const groups = Array.from({ length: 500 }, (_, i) => `group-${i}`);
    const identity = identityFromClaims(
      'https://login.example.com',
      {
        sub: 'u1',
        email: ' Alice@Corp.Example ',
        email_verified: true,
        name: 'Alice',
        groups,
        amr: ['pwd', 7],
        acr: 'x',
      },
      MAPPING,
    );
    expect(identity).to.deep.include({
      sub: 'u1',
      email: 'alice@corp.example',
      emailVerified: true,
      name: 'Alice',
      acr: 'x',
    });
    expect(identity?.groups).to.have.length(MAX_GROUPS);
    expect(identity?.amr).to.deep.equal(['pwd']);
  });

  it('counts an email as verified only when the upstream says true', () => {
    const verified = (value: unknown) =>
      identityFromClaims('i', { sub: 's', email: 'a@b.example', email_verified: value }, MAPPING)?.emailVerified;
    expect(verified(true)).to.equal(true);
    expect(verified('true')).to.equal(true);
    expect(verified(undefined)).to.equal(false);
    expect(verified('yes')).to.equal(false);
    expect(verified(1)).to.equal(false);
  });

  it('needs a subject', () => {
    expect(identityFromClaims('i', { email: 'a@b.example' }, MAPPING)).to.equal(undefined);
    expect(identityFromClaims('i', { sub: 12 }, MAPPING)).to.equal(undefined);
  });

  it('reads a GitHub user by its numeric id and verified primary email', () => {
    const emails = [
      { email: 'old@b.example', primary: false, verified: true },
      { email: 'Main@B.example', primary: true, verified: true },
    ];
    expect(identityFromGitHub('https://github.com', { id: 42, login: 'octo', name: null }, emails)).to.deep.equal({
      iss: 'https://github.com',
      sub: '42',
      email: 'main@b.example',
      emailVerified: true,
      name: 'octo',
    });
    expect(identityFromGitHub('g', { id: '42' }, emails)).to.equal(undefined);
    expect(
      identityFromGitHub('g', { id: 1 }, [{ email: 'x@b.example', primary: true, verified: false }])?.emailVerified,
    ).to.equal(false);
  });
});

describe('which account an upstream identity signs in as', () => {
  const identity = { iss: 'i', sub: 's', email: 'a@b.example', emailVerified: true };

  it('a link wins; a disabled linked account is refused', () => {
    expect(chooseAccount(identity, { linked: { accountId: 'x', disabled: false }, provision: false })).to.deep.equal({
      kind: 'linked',
      accountId: 'x',
    });
    expect(chooseAccount(identity, { linked: { accountId: 'x', disabled: true }, provision: true }).kind).to.equal(
      'refused',
    );
  });

  it('never links or creates by an unverified email', () => {
    const unverified = { ...identity, emailVerified: false };
    expect(
      chooseAccount(unverified, { sameEmail: { accountId: 'y', disabled: false }, provision: true }),
    ).to.deep.equal({
      kind: 'refused',
      reason: 'unverified_email',
    });
    expect(chooseAccount(unverified, { provision: true })).to.deep.equal({
      kind: 'refused',
      reason: 'unverified_email',
    });
    expect(chooseAccount({ iss: 'i', sub: 's', emailVerified: false }, { provision: true })).to.deep.equal({
      kind: 'refused',
      reason: 'no_email',
    });
  });

  it('asks for proof for a verified email that is an account here, creates one only when allowed', () => {
    expect(chooseAccount(identity, { sameEmail: { accountId: 'y', disabled: false }, provision: true })).to.deep.equal({
      kind: 'prove',
      accountId: 'y',
    });
    expect(chooseAccount(identity, { provision: true })).to.deep.equal({ kind: 'create' });
    expect(chooseAccount(identity, { provision: false })).to.deep.equal({ kind: 'refused', reason: 'not_provisioned' });
  });
});

describe('federated sign-in methods', () => {
  it('is fed alone unless the upstream acr is one the operator trusts as multi-factor', () => {
    expect(federatedLogin({ mfaAcrValues: [] }, { acr: 'urn:x:mfa' })).to.deep.equal({
      amr: ['fed'],
      acr: ACR_FEDERATED,
    });
    expect(federatedLogin({ mfaAcrValues: ['urn:x:mfa'] }, { acr: 'urn:x:mfa' })).to.deep.equal({
      amr: ['fed', 'mfa'],
      acr: ACR_MFA,
    });
    expect(federatedLogin({ mfaAcrValues: ['urn:x:mfa'] }, {})).to.deep.equal({ amr: ['fed'], acr: ACR_FEDERATED });
  });

  it('counts as a second factor only with our own mfa beside fed', () => {
    expect(hasSecondFactor(['fed'])).to.equal(false);
    expect(hasSecondFactor(['fed', 'mfa'])).to.equal(true);
    expect(hasSecondFactor(['pwd', 'mfa'])).to.equal(false);
    expect(codeAmr(['fed'])).to.deep.equal(['fed', 'otp', 'mfa']);
    expect(codeAmr(['pwd'])).to.deep.equal(['pwd', 'otp', 'mfa']);
  });
});
