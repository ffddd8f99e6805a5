import { expect } from 'chai';

import { ConfigError, loadConfig } from '../../provider/config.ts';
import { riskyDefaults } from '../../provider/risky-defaults.ts';

describe('risky defaults: development settings against a real database', () => {
  it('warns loudly when NODE_ENV is not production and the database is not on this machine', () => {
    const warnings = riskyDefaults(loadConfig({ MONGODB_URI: 'mongodb://db.internal.example:27017/idp' }));
    expect(warnings.join('\n')).to.include('NODE_ENV').and.include('KEY_ENCRYPTION_KEY').and.include('http');
    expect(
      riskyDefaults(loadConfig({ MONGODB_URI: 'mongodb+srv://cluster0.example.net/idp' })),
    ).to.have.length.greaterThan(0);
    expect(
      riskyDefaults(loadConfig({ MONGODB_URI: 'mongodb://user:pw@10.0.0.5:27017,127.0.0.1:27018/idp' })),
    ).to.have.length.greaterThan(0);
  });

  it('stays quiet for the embedded database, a local one, and production', () => {
    expect(riskyDefaults(loadConfig({}))).to.deep.equal([]);
    expect(riskyDefaults(loadConfig({ MONGODB_URI: 'mongodb://127.0.0.1:27017/idp' }))).to.deep.equal([]);
    expect(riskyDefaults(loadConfig({ MONGODB_URI: 'mongodb://localhost/idp' }))).to.deep.equal([]);
    const key = Buffer.alloc(32, 1).toString('base64');
    expect(
      riskyDefaults(
        loadConfig({
          NODE_ENV: 'production',
          ISSUER: 'https://id.example.com',
          MONGODB_URI: 'mongodb://db.internal.example/idp',
          MFA_ENCRYPTION_KEY: key,
          KEY_ENCRYPTION_KEY: key,
        }),
      ),
    ).to.deep.equal([]);
  });

  it('says that demo secrets were printed when the demo is seeded into a real database', () => {
    expect(riskyDefaults(loadConfig({ MONGODB_URI: 'mongodb://127.0.0.1/idp', DEMO_SEED: '1' })).join('\n')).to.include(
      'demo',
    );
  });

  it('warns when a local ISSUER and PORT name different ports', () => {
    expect(riskyDefaults(loadConfig({ PORT: '4000', ISSUER: 'http://localhost:3000' })).join('\n')).to.include(
      'PORT is 4000',
    );
    expect(riskyDefaults(loadConfig({ PORT: '4000' }))).to.deep.equal([]);
    expect(
      riskyDefaults(loadConfig({ PORT: '4000', ISSUER: 'https://id.example.com' })),
      'behind a proxy',
    ).to.deep.equal([]);
  });

  it('refuses the demo seed in production', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        ISSUER: 'https://id.example.com',
        MONGODB_URI: 'mongodb://db/idp',
        MFA_ENCRYPTION_KEY: key,
        KEY_ENCRYPTION_KEY: key,
        DEMO_SEED: '1',
      }),
    ).to.throw(ConfigError, 'DEMO_SEED');
  });
});
