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
    expect(config).to.include({
      issuer: 'http://localhost:3000',
      port: 3000,
      host: '127.0.0.1',
      proxyHops: 0,
      demoSeed: true,
      logLevel: 'info',
    });
    expect(config.mongodbUri).to.equal(undefined);
    expect(config.ttl.authorizationCode).to.equal(60);
    // Docker's and the usual Kubernetes mount point for secrets
    expect(config.secretsDir).to.equal('/run/secrets');
  });

  it('sets the HTTP limits and the shutdown deadline explicitly, refusing ones Node or the deadline cannot keep', () => {
    expect(loadConfig({}).http).to.deep.equal({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5000,
      shutdownReadyDelayMs: 0,
      shutdownTimeoutMs: 10_000,
    });
    // A longer headers timeout raises the request timeout's default with it.
    expect(loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '60000' }).http.requestTimeoutMs).to.equal(60_000);
    expect(failure({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' }).message).to.include(
      'HTTP_REQUEST_TIMEOUT_MS',
    );
    expect(failure({ SHUTDOWN_TIMEOUT_MS: '5000', SHUTDOWN_READY_DELAY_MS: '6000' }).message).to.include(
      'SHUTDOWN_READY_DELAY_MS',
    );
    expect(failure({ SHUTDOWN_TIMEOUT_MS: 'soon' }).message).to.include('SHUTDOWN_TIMEOUT_MS');
  });

  it('hashes passwords with OWASP argon2id by default and takes any OWASP profile', () => {
    expect(loadConfig({}).passwordHashing).to.deep.equal({ memoryKiB: 19_456, iterations: 2 });
    for (const [memory, passes] of [
      ['47104', '1'],
      ['12288', '3'],
      ['7168', '5'],
    ])
      expect(
        loadConfig({ PASSWORD_HASH_MEMORY_KIB: memory!, PASSWORD_HASH_ITERATIONS: passes! }).passwordHashing,
      ).to.deep.equal({ memoryKiB: Number(memory), iterations: Number(passes) });
  });

  it('seeds the demo against a real database only when asked', () => {
    expect(loadConfig({ MONGODB_URI: 'mongodb://db:27017/idp' }).demoSeed).to.equal(false);
    expect(loadConfig({ MONGODB_URI: 'mongodb://db:27017/idp', DEMO_SEED: '1' }).demoSeed).to.equal(true);
  });

  it('accepts a complete production configuration', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    const config = loadConfig({
      NODE_ENV: 'production',
      ISSUER: 'https://id.example.com',
      MONGODB_URI: 'mongodb://db1,db2/idp?replicaSet=rs0',
      MFA_ENCRYPTION_KEY: key,
      KEY_ENCRYPTION_KEY: key,
      TRUST_PROXY: '1',
      MFA_POLICY: 'required',
      SMTP_URL: 'smtps://mailer:secret@smtp.example.com:465',
    });
    expect(config).to.include({ nodeEnv: 'production', proxyHops: 1, demoSeed: false, mongodbDatabase: undefined });
    expect(config.mfa).to.include({ policy: 'required', ephemeralKey: false });
    expect(config.keys.ephemeralKey).to.equal(false);
  });

  it('counts trusted proxies: a flag means one, a number says how many', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).proxyHops).to.equal(1);
    expect(loadConfig({ TRUST_PROXY: '0' }).proxyHops).to.equal(0);
    expect(loadConfig({ TRUST_PROXY: '2' }).proxyHops).to.equal(2);
    expect(loadConfig({ TRUST_PROXY: 'off' }).proxyHops).to.equal(0);
  });

  it('opens registration for the demo MCP server in the local demo only', () => {
    expect(loadConfig({})).to.deep.include({
      registration: 'open',
      clientMetadataDocuments: true,
      registrationResources: ['http://localhost:3005/mcp'],
    });
    expect(loadConfig({ MONGODB_URI: 'mongodb://127.0.0.1/idp' })).to.deep.include({
      registration: 'off',
      clientMetadataDocuments: false,
      registrationResources: [],
    });
    expect(loadConfig({ DEMO_SEED: '0' }).registration).to.equal('off');
    expect(loadConfig({ REGISTRATION: 'off' }).registration).to.equal('off');
  });

  it('lets the issuer follow PORT when ISSUER is not set', () => {
    expect(loadConfig({ PORT: '8080' }).issuer).to.equal('http://localhost:8080');
    expect(loadConfig({ PORT: '8080', ISSUER: 'https://id.example.com' }).issuer).to.equal('https://id.example.com');
  });

  it('drops a trailing slash from the issuer', () => {
    expect(loadConfig({ ISSUER: 'https://id.example.com/' }).issuer).to.equal('https://id.example.com');
  });

  it('names every problem at once, each with its variable, not one per start', () => {
    const err = failure({
      NODE_ENV: 'production',
      ISSUER: 'http://id.example.com',
      PORT: 'eighty',
      ACCESS_TOKEN_TTL: '5',
      LOG_LEVEL: 'loud',
      MFA_ENCRYPTION_KEY: 'too-short',
    });
    expect(err.problems.map((problem) => problem.variable)).to.have.members([
      'PORT',
      'MONGODB_URI',
      'ACCESS_TOKEN_TTL',
      'ISSUER',
      'LOG_LEVEL',
      'MFA_ENCRYPTION_KEY',
      'KEY_ENCRYPTION_KEY',
    ]);
    const lines = err.message.split('\n');
    expect(lines).to.have.length(7);
    for (const line of lines) expect(line).to.match(/^configuration: [A-Z_]+ /);
  });

  it('refuses MFA_POLICY=required in production without SMTP_URL: no first factor could be enrolled', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    const production = {
      NODE_ENV: 'production',
      ISSUER: 'https://id.example.com',
      MONGODB_URI: 'mongodb://db/idp',
      MFA_ENCRYPTION_KEY: key,
      KEY_ENCRYPTION_KEY: key,
      MFA_POLICY: 'required',
    };
    const err = failure({ ...production, PORT: 'eighty' });
    const problem = err.problems.find((p) => p.variable === 'SMTP_URL');
    expect(problem?.problem).to.include('MFA_POLICY=required');
    expect(err.problems.map((p) => p.variable)).to.include('PORT');
    // a wrong SMTP_URL is named once, for what it is
    const wrong = failure({ ...production, SMTP_URL: 'http://mail' }).problems.filter((p) => p.variable === 'SMTP_URL');
    expect(wrong).to.have.length(1);
    expect(loadConfig({ ...production, MFA_POLICY: 'optional' }).mfa.policy).to.equal('optional');
  });

  it('names only the real problems: a missing production database does not also blame DEMO_SEED', () => {
    const err = failure({ NODE_ENV: 'production', ISSUER: 'https://id.example.com' });
    expect(err.problems.map((problem) => problem.variable)).to.deep.equal([
      'MONGODB_URI',
      'MFA_ENCRYPTION_KEY',
      'KEY_ENCRYPTION_KEY',
    ]);
  });

  it('does not blame WEBAUTHN_RP_ID for a wrong ISSUER', () => {
    const err = failure({ ISSUER: 'ftp://id.example.com', WEBAUTHN_RP_ID: 'example.com' });
    expect(err.problems.map((problem) => problem.variable)).to.deep.equal(['ISSUER']);
  });

  for (const [env, variable] of [
    [{ ISSUER: 'ftp://x' }, 'ISSUER'],
    [{ ISSUER: 'https://id.example.com/?a=1' }, 'ISSUER'],
    [{ ISSUER: 'https://example.com/auth' }, 'ISSUER'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ MONGODB_URI: 'postgres://x' }, 'MONGODB_URI'],
    [{ MONGODB_DATABASE: 'a/b' }, 'MONGODB_DATABASE'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    [{ REGISTRATION: 'sometimes' }, 'REGISTRATION'],
    [{ REGISTRATION_UNUSED_DAYS: '0' }, 'REGISTRATION_UNUSED_DAYS'],
    [{ CIMD_ALLOWED_HOSTS: 'https://agent.example' }, 'CIMD_ALLOWED_HOSTS'],
    [{ CLIENT_METADATA_DOCUMENTS: 'perhaps' }, 'CLIENT_METADATA_DOCUMENTS'],
    [{ REGISTRATION_RESOURCES: 'not a uri' }, 'REGISTRATION_RESOURCES'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ ACCESS_TOKEN_TTL: '-5' }, 'ACCESS_TOKEN_TTL'],
    [{ AUTHORIZATION_CODE_TTL: '600' }, 'AUTHORIZATION_CODE_TTL'],
    [{ REFRESH_TOKEN_TTL: '9999999', GRANT_TTL: '86400' }, 'GRANT_TTL'],
    [{ NODE_ENV: 'production', ISSUER: 'https://id.example.com' }, 'MONGODB_URI'],
    [{ NODE_ENV: 'production', MONGODB_URI: 'mongodb://db/idp' }, 'ISSUER'],
    [
      { NODE_ENV: 'production', MONGODB_URI: 'mongodb://db/idp', ISSUER: 'https://id.example.com' },
      'MFA_ENCRYPTION_KEY',
    ],
    [
      {
        NODE_ENV: 'production',
        MONGODB_URI: 'mongodb://db/idp',
        ISSUER: 'https://id.example.com',
        MFA_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
      },
      'KEY_ENCRYPTION_KEY',
    ],
    [{ MFA_ENCRYPTION_KEY: 'too-short' }, 'MFA_ENCRYPTION_KEY'],
    [{ KEY_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') }, 'KEY_ENCRYPTION_KEY'],
    [{ MFA_POLICY: 'sometimes' }, 'MFA_POLICY'],
    [{ PASSWORD_MIN_LENGTH: '6' }, 'PASSWORD_MIN_LENGTH'],
    [{ PASSWORD_HASH_MEMORY_KIB: '4096' }, 'PASSWORD_HASH_MEMORY_KIB'],
    // 8 MiB × 2 passes is below every OWASP argon2id profile (the cheapest: 7 MiB × 5).
    [{ PASSWORD_HASH_MEMORY_KIB: '8192', PASSWORD_HASH_ITERATIONS: '2' }, 'PASSWORD_HASH_ITERATIONS'],
    [{ PASSWORD_HASH_ITERATIONS: '0' }, 'PASSWORD_HASH_ITERATIONS'],
    [{ LOGIN_LOCK_AFTER_FAILURES: '101' }, 'LOGIN_LOCK_AFTER_FAILURES'],
    [{ LOGIN_DELAY_AFTER_FAILURES: '10', LOGIN_LOCK_AFTER_FAILURES: '5' }, 'LOGIN_LOCK_AFTER_FAILURES'],
    [{ KEY_RETIRED_RETENTION_SECONDS: '120' }, 'KEY_RETIRED_RETENTION_SECONDS'],
    [{ KEY_RELOAD_SECONDS: '0' }, 'KEY_RELOAD_SECONDS'],
    [{ CLIENT_CHANGE_SECONDS: '0' }, 'CLIENT_CHANGE_SECONDS'],
    [{ METRICS_PORT: 'x' }, 'METRICS_PORT'],
    [{ VALIDATE_CACHE_SECONDS: '3600' }, 'VALIDATE_CACHE_SECONDS'],
    [{ TOKEN_EXCHANGE_MAX_TTL: '5' }, 'TOKEN_EXCHANGE_MAX_TTL'],
    [{ ACCOUNT_REAUTH_SECONDS: '10' }, 'ACCOUNT_REAUTH_SECONDS'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    [{ REGISTRATION: 'sometimes' }, 'REGISTRATION'],
    [{ REGISTRATION_UNUSED_DAYS: '0' }, 'REGISTRATION_UNUSED_DAYS'],
    [{ CIMD_ALLOWED_HOSTS: 'https://agent.example' }, 'CIMD_ALLOWED_HOSTS'],
    [{ CLIENT_METADATA_DOCUMENTS: 'perhaps' }, 'CLIENT_METADATA_DOCUMENTS'],
    [{ REGISTRATION_RESOURCES: 'not a uri' }, 'REGISTRATION_RESOURCES'],
    [{ TRUST_PROXY: '11' }, 'TRUST_PROXY'],
    [{ LOGIN_IP_LOCK_AFTER_FAILURES: '100' }, 'LOGIN_IP_LOCK_AFTER_FAILURES'],
    [{ LOGIN_LOCK_AFTER_FAILURES: '30', LOGIN_ACCOUNT_LOCK_AFTER_FAILURES: '25' }, 'LOGIN_ACCOUNT_LOCK_AFTER_FAILURES'],
    [{ VALIDATE_DEFAULT_AUDIENCE: 'https://api.example not-a-uri' }, 'VALIDATE_DEFAULT_AUDIENCE'],
    [{ MESHID_SECRETS_DIR: 'secrets' }, 'MESHID_SECRETS_DIR'],
  ] as [Record<string, string>, string][]) {
    it(`stops with a message naming ${variable} for ${JSON.stringify(env)}`, () => {
      const err = failure(env);
      expect(err.problems.map((problem) => problem.variable)).to.include(variable);
      expect(err.message).to.include(variable);
    });
  }
});
