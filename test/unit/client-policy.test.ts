import { expect } from 'chai';

import {
  clientSecretMatches,
  generateClientSecret,
  hashClientSecret,
  isHashedClientSecret,
} from '../../provider/clients/client-secret.ts';
import { redirectUriProblem } from '../../provider/clients/redirect-uri-policy.ts';

describe('client policy (pure rules)', () => {
  describe('redirect URIs (RFC 9700 2.1, RFC 8252 7.1)', () => {
    it('allows https anywhere, http only on loopback, private-use schemes only for native apps', () => {
      expect(redirectUriProblem('https://app.example/cb', 'web')).to.equal(undefined);
      for (const host of ['localhost', '127.0.0.1', '[::1]'])
        expect(redirectUriProblem(`http://${host}:8080/cb`, 'web')).to.equal(undefined);
      expect(redirectUriProblem('com.example.app:/cb', 'native')).to.equal(undefined);
    });
    it('refuses http elsewhere, fragments, relative URIs and other schemes', () => {
      expect(redirectUriProblem('http://app.example/cb', 'web')).to.include('non-loopback');
      expect(redirectUriProblem('https://app.example/cb#x', 'web')).to.include('fragment');
      expect(redirectUriProblem('/cb', 'web')).to.include('not an absolute URI');
      expect(redirectUriProblem('com.example.app:/cb', 'web')).to.include('scheme');
      expect(redirectUriProblem('javascript:alert(1)', 'native')).to.include('scheme');
    });
  });

  describe('client secrets', () => {
    it('are random, stored as a sha256 hash, and compared against it', () => {
      const secret = generateClientSecret();
      expect(secret).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(generateClientSecret()).not.to.equal(secret);
      const stored = hashClientSecret(secret);
      expect(isHashedClientSecret(stored)).to.equal(true);
      expect(stored).not.to.include(secret);
      expect(clientSecretMatches(stored, secret)).to.equal(true);
    });
    it('never match a wrong, missing or unhashed secret', () => {
      const stored = hashClientSecret('right');
      expect(clientSecretMatches(stored, 'wrong')).to.equal(false);
      expect(clientSecretMatches(stored, undefined)).to.equal(false);
      expect(clientSecretMatches(undefined, 'right')).to.equal(false);
      expect(clientSecretMatches('right', 'right'), 'a plain stored value is never compared').to.equal(false);
    });
  });
});
