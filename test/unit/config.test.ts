import { expect } from 'chai';

import { ConfigError, loadConfig } from '../../provider/config.ts';

function failure(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('starts with no variables at all: localhost issuer, embedded database, demo seeded', () => {
    const config = loadConfig({});
    expect(config).to.include({ issuer: 'http://localhost:3000', port: 3000, host: '127.0.0.1', trustProxy: false, demoSeed: true, logLevel: 'info' });
    expect(config.mongodbUri).to.equal(undefined);
    expect(config.ttl.authorizationCode).to.equal(60);
  });

  it('seeds the demo against a real database only when asked', () => {
    expect(loadConfig({ MONGODB_URI: 'mongodb://db:27017/idp' }).demoSeed).to.equal(false);
    expect(loadConfig({ MONGODB_URI: 'mongodb://db:27017/idp', DEMO_SEED: '1' }).demoSeed).to.equal(true);
  });

  it('drops a trailing slash from the issuer', () => {
    expect(loadConfig({ ISSUER: 'https://id.example.com/' }).issuer).to.equal('https://id.example.com');
  });

  for (const [env, variable] of [
    [{ ISSUER: 'ftp://x' }, 'ISSUER'],
    [{ ISSUER: 'https://id.example.com/?a=1' }, 'ISSUER'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ MONGODB_URI: 'postgres://x' }, 'MONGODB_URI'],
    [{ MONGODB_DATABASE: 'a/b' }, 'MONGODB_DATABASE'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ ACCESS_TOKEN_TTL: '-5' }, 'ACCESS_TOKEN_TTL'],
    [{ AUTHORIZATION_CODE_TTL: '600' }, 'AUTHORIZATION_CODE_TTL'],
    [{ REFRESH_TOKEN_TTL: '9999999', GRANT_TTL: '86400' }, 'GRANT_TTL'],
    [{ NODE_ENV: 'production', ISSUER: 'https://id.example.com' }, 'MONGODB_URI'],
    [{ NODE_ENV: 'production', MONGODB_URI: 'mongodb://db/idp' }, 'ISSUER'],
  ] as [Record<string, string>, string][]) {
    it(`stops with a message naming ${variable} for ${JSON.stringify(env)}`, () => {
      const err = failure(env);
      expect(err.variable).to.equal(variable);
      expect(err.message).to.include(variable);
    });
  }
});
