import { expect } from 'chai';

import { loadConfig } from '../../provider/config.ts';
import { adminEnvironment } from '../../provider/start/admin-environment.ts';

const URI = 'mongodb://127.0.0.1:27999/meshid';

describe("the banner's admin environment", () => {
  it('names the issuer when it is not the one the CLI would assume', () => {
    // Without it the CLI takes http://localhost:3000: `idps add` prints a wrong redirect URI and
    // `apply --prune` does not recognise the admin API as the provider's own and deletes it.
    const env = adminEnvironment(loadConfig({ PORT: '8080' }), URI);
    expect(env?.ISSUER).to.equal('http://localhost:8080');
    expect(loadConfig({ ...env }).issuer).to.equal('http://localhost:8080');
  });

  it('leaves the default issuer out', () => {
    expect(adminEnvironment(loadConfig({}), URI)).to.have.keys(
      'MONGODB_URI',
      'KEY_ENCRYPTION_KEY',
      'MFA_ENCRYPTION_KEY',
    );
  });

  it('is nothing without an embedded database', () => {
    expect(adminEnvironment(loadConfig({}), undefined)).to.equal(undefined);
  });
});
