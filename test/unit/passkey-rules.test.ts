import { expect } from 'chai';

import { loadConfig } from '../../provider/config.ts';
import { asksForMfa, asksForPhishingResistant } from '../../provider/mfa/acr.ts';
import {
  hasSecondFactor,
  keyMethod,
  passwordlessAmr,
  secondFactorAmr,
  usedPasskey,
} from '../../provider/passkeys/passkey-methods.ts';
import { passkeyName } from '../../provider/passkeys/passkey-name.ts';
import { satisfiesPolicy } from '../../provider/self-service/require-session.ts';

describe('passkey rules', () => {
  it('calls a device-bound passkey hwk and a synced one swk (RFC 8176)', () => {
    expect(keyMethod('singleDevice')).to.equal('hwk');
    expect(keyMethod('multiDevice')).to.equal('swk');
    expect(passwordlessAmr('singleDevice')).to.deep.equal(['hwk', 'user', 'mfa']);
    expect(secondFactorAmr('multiDevice')).to.deep.equal(['pwd', 'swk', 'mfa']);
  });

  it('counts a code or a passkey as a second factor, and only a passkey as phishing-resistant', () => {
    expect(hasSecondFactor(['pwd'])).to.equal(false);
    expect(hasSecondFactor(['pwd', 'otp', 'mfa'])).to.equal(true);
    expect(hasSecondFactor(['hwk', 'user', 'mfa'])).to.equal(true);
    expect(hasSecondFactor(undefined)).to.equal(false);
    expect(usedPasskey(['pwd', 'otp', 'mfa'])).to.equal(false);
    expect(usedPasskey(['pwd', 'swk', 'mfa'])).to.equal(true);
    expect(satisfiesPolicy({ amr: ['swk', 'user', 'mfa'] }, true)).to.equal(true);
  });

  it('reads acr_values: phr asks for a passkey and, with it, for a second factor', () => {
    expect(asksForPhishingResistant('urn:meshid:acr:phr')).to.equal(true);
    expect(asksForPhishingResistant('urn:meshid:acr:mfa')).to.equal(false);
    expect(asksForMfa('urn:meshid:acr:pwd urn:meshid:acr:phr')).to.equal(true);
    expect(asksForPhishingResistant(undefined)).to.equal(false);
  });

  it("tidies a passkey's name, or refuses controls, bidi overrides and more than 60 characters", () => {
    expect(passkeyName('  Work \u00a0  laptop ')).to.deep.equal({ name: 'Work laptop' });
    expect(passkeyName('   ')).to.deep.equal({ name: 'Passkey' });
    expect(passkeyName(`${'a'.repeat(59)}😀`)).to.deep.equal({ name: `${'a'.repeat(59)}😀` });
    for (const refused of ['Work\u0000laptop', 'Work\nlaptop', '\u202e', 'a\ud800', 'x'.repeat(61), '😀'.repeat(61)])
      expect(passkeyName(refused), JSON.stringify(refused)).to.have.property('problem');
  });

  it('scopes passkeys to the issuer host unless WEBAUTHN_RP_ID names a parent domain of it', () => {
    const at = (issuer: string, env: Record<string, string> = {}) => loadConfig({ ISSUER: issuer, ...env }).webauthn;
    expect(at('https://id.example.com')).to.include({ rpId: 'id.example.com', origin: 'https://id.example.com' });
    expect(at('https://id.example.com', { WEBAUTHN_RP_ID: 'Example.com' }).rpId).to.equal('example.com');
    expect(at('http://localhost:3000').origin).to.equal('http://localhost:3000');
    expect(at('http://meshid:3000').rpId, 'a single-label host is its own RP ID').to.equal('meshid');
    expect(() => at('https://id.example.com', { WEBAUTHN_RP_ID: 'other.com' })).to.throw('WEBAUTHN_RP_ID');
    expect(() => at('https://id.example.com', { WEBAUTHN_RP_ID: 'com' })).to.throw('WEBAUTHN_RP_ID');
    expect(() => at('https://id.example.com', { WEBAUTHN_RP_ID: 'xample.com' })).to.throw('WEBAUTHN_RP_ID');
    expect(() => at('http://localhost:3000', { WEBAUTHN_ALLOWED_AAGUIDS: 'yubikey' })).to.throw(
      'WEBAUTHN_ALLOWED_AAGUIDS',
    );
    expect(
      at('http://localhost:3000', { WEBAUTHN_ALLOWED_AAGUIDS: ' CB69481E-8FF7-4039-93EC-0A2729A154A8 ,' })
        .allowedAaguids,
    ).to.deep.equal(['cb69481e-8ff7-4039-93ec-0a2729a154a8']);
  });
});
