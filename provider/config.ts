/**
 * The only reader of `process.env`. Everything else receives a `Config`.
 *
 * `loadConfig(env)` validates every variable once (reading nothing but `env`) and returns the typed
 * object or throws a `ConfigError` naming the variable, so start-up stops with a clear message.
 */
import { randomBytes } from 'node:crypto';

export type NodeEnv = 'development' | 'test' | 'production';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface TokenLifetimes {
  accessToken: number;
  clientCredentials: number;
  idToken: number;
  refreshToken: number;
  authorizationCode: number;
  session: number;
  interaction: number;
  grant: number;
}

export type MfaPolicy = 'optional' | 'required';

export interface MfaConfig {
  /** optional: users may enroll; required: everyone must have a second factor to finish signing in */
  policy: MfaPolicy;
  /** 32-byte AES-256-GCM key that encrypts TOTP secrets at rest */
  encryptionKey: Buffer;
  /** true when no MFA_ENCRYPTION_KEY was given and a throwaway key was made for this process */
  ephemeralKey: boolean;
  /** the name authenticator apps show next to the account */
  issuerName: string;
}

export interface WebAuthnConfig {
  /** the relying party ID passkeys are scoped to: the issuer's host name or a parent domain of it */
  rpId: string;
  /** the one origin a passkey ceremony may come from: the issuer's */
  origin: string;
  /** the name browsers show when a passkey is made */
  rpName: string;
  /** accept passkeys only from these authenticator models (AAGUIDs); empty: any */
  allowedAaguids: string[];
}

export interface MailConfig {
  /**
   * smtp: sent over SMTP_URL; log: development without SMTP_URL — kept, written to the log and
   * listed at /dev/mail, never sent; off: production without SMTP_URL — no email features
   */
  mode: 'smtp' | 'log' | 'off';
  /** SMTP_URL (it may carry credentials: never logged) */
  smtpUrl: string | undefined;
  /** MAIL_FROM: the sender of every mail */
  from: string;
  /** how long one SMTP attempt may take (connect, greeting, each reply), ms */
  sendTimeoutMs: number;
  /** attempts before a mail is given up */
  maxAttempts: number;
  /** the first retry's wait, seconds; it doubles with each failure (at most an hour) */
  retrySeconds: number;
  /** how long a password reset link works, seconds */
  passwordResetSeconds: number;
  /**
   * serve /dev/mail: only where no real user can be, the embedded development database (or
   * tests). A development instance on a real database keeps its mails in the log only, or anyone
   * could ask for a reset of any account and read the link there.
   */
  devPage: boolean;
}

export interface SignupConfig {
  /** off: only operators create accounts; open: anyone; domains: addresses at `domains` only */
  mode: 'off' | 'open' | 'domains';
  /** SIGNUP_DOMAINS, lower case */
  domains: string[];
}

export interface LoginThrottleConfig {
  /** failures in a row on one account from one address after which each further failure delays the next (doubling) */
  delayAfter: number;
  /** failures in a row on one account from one address after which that address is locked out of it for lockSeconds */
  lockAfter: number;
  lockSeconds: number;
  /** failures on one account from all addresses after which the account is locked (NIST: at most 100) */
  accountLockAfter: number;
}

export interface KeysConfig {
  /** 32-byte AES-256-GCM key that seals signing and cookie keys at rest */
  encryptionKey: Buffer;
  ephemeralKey: boolean;
  /** how often each instance checks for rotated keys, seconds: the bound on picking up a rotation */
  reloadSeconds: number;
  /** rotate automatically when the current key is this old, days; 0 = only by the admin command */
  rotationDays: number;
  /** how long a retired key stays published, seconds: at least the longest token lifetime */
  retiredRetentionSeconds: number;
}

export interface Config {
  nodeEnv: NodeEnv;
  issuer: string;
  host: string;
  port: number;
  /** undefined: start the embedded in-memory development database */
  mongodbUri: string | undefined;
  /** dynamic client registration (RFC 7591): off, open to anyone, or with an initial access token */
  registration: 'off' | 'open' | 'token';
  /** the APIs dynamically registered clients may ask for */
  registrationResources: string[];
  /** at most this many dynamically registered clients; registrations from one address per hour */
  registrationMaxClients: number;
  registrationPerHour: number;
  /** self-registered clients unused this many days are deleted */
  registrationUnusedDays: number;
  /** client ID metadata documents: an https URL as client_id, its metadata fetched from there */
  clientMetadataDocuments: boolean;
  /** hosts whose metadata documents are fetched (patterns like *.example.com); empty: any, shown as unverified */
  clientMetadataHosts: string[];
  /** MESHID_CONFIG: a configuration file (YAML or JSON) of resources, clients and users, applied at start-up */
  configFile: string | undefined;
  /** the embedded database's contents (and the development keys) are kept here across restarts; undefined: nothing is kept */
  devDataDir: string | undefined;
  mongodbDatabase: string | undefined;
  /** how many reverse proxies stand in front (0: none, X-Forwarded-* ignored); the client address is the one the nearest trusted proxy saw */
  proxyHops: number;
  logLevel: LogLevel;
  demoSeed: boolean;
  /** seconds */
  ttl: TokenLifetimes;
  /** how long a client's metadata may be served from this process's memory, seconds */
  clientCacheTtl: number;
  mfa: MfaConfig;
  webauthn: WebAuthnConfig;
  mail: MailConfig;
  signup: SignupConfig;
  keys: KeysConfig;
  /** NIST SP 800-63B: at least 8; 15 recommended */
  passwordMinLength: number;
  /** argon2id cost of new password hashes (older hashes are upgraded at their next sign-in) */
  passwordHashing: PasswordHashingConfig;
  /** how recent a sign-in must be for password and second-factor changes, seconds ("sudo mode") */
  accountReauthSeconds: number;
  loginThrottle: LoginThrottleConfig;
  /** how long /validate may trust a cached answer about a grant or an opaque token, seconds */
  validateCacheSeconds: number;
  /** the audiences /validate requires when a gateway's request names none (empty: it must name one) */
  validateDefaultAudiences: string[];
  /** serve /metrics on a listener of its own, on this port (undefined: none) */
  metricsPort: number | undefined;
  /** the address that listener binds: 127.0.0.1 unless opened up on purpose */
  metricsHost: string;
  /** serve /metrics on the public port too, to scrapers that present this bearer token (undefined: not there) */
  metricsToken: string | undefined;
  /** how long a database operation waits for a reachable server before the request fails with 503 */
  databaseTimeoutMs: number;
  /** the longest an exchanged token (RFC 8693) may live, seconds; never beyond its subject token */
  tokenExchangeMaxTtl: number;
  /** failure events one client address may add to the audit chain per minute; the rest are counted in one record */
  auditFailuresPerMinute: number;
  /** how long one request to an upstream identity provider may take before the user is told it is not answering, ms */
  upstreamTimeoutMs: number;
  /** calls one caller (a token's subject) may make to the admin API per minute */
  adminApiCallsPerMinute: number;
}

export interface PasswordHashingConfig {
  /** argon2id memory per hash, KiB (PASSWORD_HASH_MEMORY_KIB) */
  memoryKiB: number;
  /** argon2id passes (PASSWORD_HASH_ITERATIONS) */
  iterations: number;
}

export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, problem: string) {
    super(`configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

type Env = Record<string, string | undefined>;

const MINUTE = 60;
/** The demo's MCP server (docs/examples/demo.yaml declares it; docs/quickstart/mcp.md runs it). */
const DEMO_MCP_SERVER = 'http://localhost:3005/mcp';
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = text(env, name);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${value}")`);
  }
  return value as T;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new ConfigError(name, `must be a whole number (got "${value}")`);
  const n = Number(value);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max} (got ${n})`);
  return n;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const value = text(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(name, `must be 1/true/yes/on or 0/false/no/off (got "${value}")`);
}

/** Space-separated absolute URIs (empty when unset). */
function uriList(env: Env, name: string): string[] {
  const values = text(env, name)?.split(/\s+/) ?? [];
  const bad = values.find((value) => !URL.canParse(value));
  if (bad !== undefined) throw new ConfigError(name, `must be absolute URIs separated by spaces (got "${bad}")`);
  return values;
}

/** A bearer token for scrapers on the public port: long enough not to be guessed. */
function metricsToken(env: Env): string | undefined {
  const value = text(env, 'METRICS_TOKEN');
  if (value !== undefined && (value.length < 32 || !/^[\x21-\x7e]+$/.test(value))) {
    throw new ConfigError(
      'METRICS_TOKEN',
      'must be at least 32 printable characters without spaces (for example: openssl rand -hex 32)',
    );
  }
  return value;
}

/** The embedded database is empty on every start, so the demo is seeded by default there only; never in production. */
function demoSeed(env: Env, nodeEnv: NodeEnv, uri: string | undefined): boolean {
  const seed = flag(env, 'DEMO_SEED', uri === undefined);
  if (seed && nodeEnv === 'production')
    throw new ConfigError(
      'DEMO_SEED',
      "must be off when NODE_ENV=production (the demo's secrets are printed to the console)",
    );
  return seed;
}

/** DEV_DATA_DIR: where development keeps the embedded database between runs (default .meshid; "none": nowhere). */
function devDataDir(env: Env, nodeEnv: NodeEnv, uri: string | undefined): string | undefined {
  const value = text(env, 'DEV_DATA_DIR');
  if (uri !== undefined || nodeEnv === 'production') return undefined;
  if (value === 'none') return undefined;
  return value ?? '.meshid';
}

/** Host names or `*.`-prefixed suffixes, separated by spaces. */
function hostPatterns(env: Env, name: string): string[] {
  const values = text(env, name)?.toLowerCase().split(/\s+/) ?? [];
  const bad = values.find((value) => !/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(value));
  if (bad !== undefined)
    throw new ConfigError(name, `must be host names or *.domain patterns separated by spaces (got "${bad}")`);
  return values;
}

/** TRUST_PROXY: 0/false (no proxy), 1/true (one), or the number of proxies in front, up to 10. */
/**
 * OWASP's argon2id profiles trade memory for passes (46 MiB × 1 … 7 MiB × 5); each costs at
 * least 7 MiB × 5. A cheaper setting would make stolen hashes cheaper to guess: refused.
 */
const OWASP_LEAST_COST = 7168 * 5;

/** PASSWORD_HASH_*, validated (the bench reads them too, to measure the floor with them). */
export function passwordHashing(env: Env): PasswordHashingConfig {
  const memoryKiB = integer(env, 'PASSWORD_HASH_MEMORY_KIB', 19_456, 7168, 1_048_576);
  const iterations = integer(env, 'PASSWORD_HASH_ITERATIONS', 2, 1, 16);
  if (memoryKiB * iterations < OWASP_LEAST_COST)
    throw new ConfigError(
      'PASSWORD_HASH_ITERATIONS',
      `× PASSWORD_HASH_MEMORY_KIB must be at least ${OWASP_LEAST_COST} (OWASP's cheapest argon2id profile: 7168 KiB × 5)`,
    );
  return { memoryKiB, iterations };
}

function proxyHops(env: Env): number {
  const value = text(env, 'TRUST_PROXY')?.toLowerCase();
  if (value === undefined) return 0;
  if (/^\d+$/.test(value)) return integer(env, 'TRUST_PROXY', 0, 0, 10);
  return flag(env, 'TRUST_PROXY', false) ? 1 : 0;
}

/** ISSUER; unset, it follows PORT (`http://localhost:$PORT`), so changing the port alone works. */
function issuerUrl(env: Env, nodeEnv: NodeEnv, port: number): string {
  const value = text(env, 'ISSUER') ?? `http://localhost:${port || 3000}`;
  const url = URL.parse(value);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError('ISSUER', `must be an http(s) URL (got "${value}")`);
  }
  if (url.search || url.hash) throw new ConfigError('ISSUER', 'must not have a query or fragment (OpenID Discovery 3)');
  // Every endpoint, screen and well-known document is served from the root of the host, so an
  // issuer with a path would advertise discovery and endpoints where nothing answers.
  if (url.pathname.replace(/\/+$/, '') !== '') {
    throw new ConfigError('ISSUER', `must have no path: meshid serves from the root of its host (got "${value}")`);
  }
  // Browsers drop Secure cookies and relying parties refuse plain-http issuers in production.
  if (nodeEnv === 'production' && url.protocol !== 'https:') {
    throw new ConfigError('ISSUER', 'must be https when NODE_ENV=production');
  }
  // The issuer is compared byte for byte by relying parties: keep it without a trailing slash.
  return value.replace(/\/+$/, '');
}

function mongodbUri(env: Env, nodeEnv: NodeEnv): string | undefined {
  const value = text(env, 'MONGODB_URI');
  if (value === undefined) {
    if (nodeEnv === 'production') {
      throw new ConfigError(
        'MONGODB_URI',
        'is required when NODE_ENV=production (the embedded database keeps nothing)',
      );
    }
    return undefined;
  }
  if (!/^mongodb(\+srv)?:\/\//.test(value)) {
    throw new ConfigError('MONGODB_URI', 'must start with mongodb:// or mongodb+srv://');
  }
  return value;
}

function databaseName(env: Env): string | undefined {
  const value = text(env, 'MONGODB_DATABASE');
  if (value !== undefined && !/^[A-Za-z0-9_-]{1,63}$/.test(value)) {
    throw new ConfigError('MONGODB_DATABASE', 'may hold only letters, digits, _ and - (at most 63)');
  }
  return value;
}

function lifetimes(env: Env): TokenLifetimes {
  const ttl: TokenLifetimes = {
    accessToken: integer(env, 'ACCESS_TOKEN_TTL', 10 * MINUTE, 60, DAY),
    clientCredentials: integer(env, 'CLIENT_CREDENTIALS_TTL', 10 * MINUTE, 60, DAY),
    idToken: integer(env, 'ID_TOKEN_TTL', HOUR, 60, DAY),
    refreshToken: integer(env, 'REFRESH_TOKEN_TTL', 14 * DAY, 5 * MINUTE, 365 * DAY),
    // RFC 6749 4.1.2 recommends at most 10 minutes; the project promises at most 60 s.
    authorizationCode: integer(env, 'AUTHORIZATION_CODE_TTL', 60, 10, 60),
    session: integer(env, 'SESSION_TTL', 14 * DAY, 5 * MINUTE, 365 * DAY),
    interaction: integer(env, 'INTERACTION_TTL', 15 * MINUTE, MINUTE, DAY),
    grant: integer(env, 'GRANT_TTL', 30 * DAY, 5 * MINUTE, 365 * DAY),
  };
  // A grant that ends before its refresh tokens would silently invalidate them early.
  if (ttl.grant < ttl.refreshToken) {
    throw new ConfigError('GRANT_TTL', `must be at least REFRESH_TOKEN_TTL (${ttl.refreshToken})`);
  }
  return ttl;
}

/**
 * A 32-byte key in base64. Without one, development gets a throwaway key for this process (what
 * it seals cannot be opened after a restart); production refuses to start.
 */
function encryptionKey(env: Env, name: string, nodeEnv: NodeEnv): { key: Buffer; ephemeral: boolean } {
  const raw = text(env, name);
  if (raw === undefined) {
    if (nodeEnv === 'production')
      throw new ConfigError(name, 'is required when NODE_ENV=production (32 random bytes, base64)');
    return { key: randomBytes(32), ephemeral: true };
  }
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/_-]+=*$/.test(raw)) {
    throw new ConfigError(name, 'must be 32 bytes in base64 (for example: openssl rand -base64 32)');
  }
  return { key, ephemeral: false };
}

function mfaConfig(env: Env, nodeEnv: NodeEnv): MfaConfig {
  const policy = oneOf(env, 'MFA_POLICY', ['optional', 'required'] as const, 'optional');
  const issuerName = text(env, 'MFA_ISSUER_NAME') ?? 'meshid';
  const { key, ephemeral } = encryptionKey(env, 'MFA_ENCRYPTION_KEY', nodeEnv);
  return { policy, issuerName, encryptionKey: key, ephemeralKey: ephemeral };
}

const AAGUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Passkeys belong to the issuer's host, or to a parent domain of it when WEBAUTHN_RP_ID says so
 * (browsers accept a registrable suffix of the page's host, never another site).
 */
function webauthnConfig(env: Env, issuer: string, rpName: string): WebAuthnConfig {
  const url = new URL(issuer);
  const host = url.hostname;
  const rpId = (text(env, 'WEBAUTHN_RP_ID') ?? host).toLowerCase();
  if (rpId !== host && !host.endsWith(`.${rpId}`)) {
    throw new ConfigError('WEBAUTHN_RP_ID', `must be the issuer's host name (${host}) or a parent domain of it`);
  }
  // A parent domain must be a site, not a top-level domain (no public-suffix list is consulted).
  if (rpId !== host && !rpId.includes('.')) {
    throw new ConfigError('WEBAUTHN_RP_ID', 'must be a domain name (like example.com), not a top-level name');
  }
  const allowedAaguids = (text(env, 'WEBAUTHN_ALLOWED_AAGUIDS') ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  const bad = allowedAaguids.find((entry) => !AAGUID.test(entry));
  if (bad !== undefined) throw new ConfigError('WEBAUTHN_ALLOWED_AAGUIDS', `has "${bad}", which is not an AAGUID`);
  return { rpId, origin: url.origin, rpName, allowedAaguids };
}

/**
 * Email: SMTP_URL sends for real; without it development keeps mails for /dev/mail and the log,
 * and production turns the email features off (a start-up message says so) rather than pretend.
 */
function mailConfig(env: Env, nodeEnv: NodeEnv, issuer: string, embedded: boolean): MailConfig {
  const smtpUrl = text(env, 'SMTP_URL');
  if (smtpUrl !== undefined) {
    // The value may hold a password: the messages never repeat it.
    const url = URL.canParse(smtpUrl) ? new URL(smtpUrl) : undefined;
    if (!url || !['smtp:', 'smtps:'].includes(url.protocol) || !url.hostname) {
      throw new ConfigError(
        'SMTP_URL',
        'must be an smtp:// or smtps:// URL, like smtps://user:pass@smtp.example.com:465',
      );
    }
  }
  const from = text(env, 'MAIL_FROM') ?? `meshid <no-reply@${new URL(issuer).hostname}>`;
  if (!/^[^\r\n]*<?[^\s@<>]+@[^\s@<>]+>?$/.test(from)) {
    throw new ConfigError(
      'MAIL_FROM',
      `must be an address, optionally with a name: "Name <no-reply@example.com>" (got "${from}")`,
    );
  }
  const mode = smtpUrl !== undefined ? 'smtp' : nodeEnv === 'production' ? 'off' : 'log';
  return {
    mode,
    devPage: mode === 'log' && (embedded || nodeEnv === 'test'),
    smtpUrl,
    from,
    sendTimeoutMs: integer(env, 'MAIL_SEND_TIMEOUT_MS', 5000, 500, 60_000),
    maxAttempts: integer(env, 'MAIL_MAX_ATTEMPTS', 8, 1, 50),
    retrySeconds: integer(env, 'MAIL_RETRY_SECONDS', 30, 1, HOUR),
    passwordResetSeconds: integer(env, 'PASSWORD_RESET_TTL', 30 * MINUTE, 5 * MINUTE, DAY),
  };
}

/** Self-registration: off unless asked for, and never without a way to confirm the address. */
function signupConfig(env: Env, mail: MailConfig): SignupConfig {
  const mode = oneOf(env, 'SIGNUP', ['off', 'open', 'domains'] as const, 'off');
  const domains = (text(env, 'SIGNUP_DOMAINS') ?? '')
    .split(/[\s,]+/)
    .map((domain) => domain.toLowerCase())
    .filter(Boolean);
  const bad = domains.find((domain) => !/^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain));
  if (bad !== undefined) throw new ConfigError('SIGNUP_DOMAINS', `has "${bad}", which is not a domain name`);
  if (mode === 'domains' && domains.length === 0)
    throw new ConfigError('SIGNUP_DOMAINS', 'must list the allowed domains when SIGNUP=domains');
  if (mode !== 'off' && mail.mode === 'off')
    throw new ConfigError('SIGNUP', 'needs SMTP_URL in production: new accounts confirm their address by mail');
  return { mode, domains };
}

function keysConfig(env: Env, nodeEnv: NodeEnv, longestToken: number): KeysConfig {
  const { key, ephemeral } = encryptionKey(env, 'KEY_ENCRYPTION_KEY', nodeEnv);
  const retiredRetentionSeconds = integer(env, 'KEY_RETIRED_RETENTION_SECONDS', DAY, 60, 365 * DAY);
  // A key removed from JWKS while tokens it signed are alive would break those tokens.
  if (retiredRetentionSeconds < longestToken) {
    throw new ConfigError(
      'KEY_RETIRED_RETENTION_SECONDS',
      `must be at least the longest token lifetime (${longestToken})`,
    );
  }
  return {
    encryptionKey: key,
    ephemeralKey: ephemeral,
    reloadSeconds: integer(env, 'KEY_RELOAD_SECONDS', 30, 1, HOUR),
    rotationDays: integer(env, 'KEY_ROTATION_DAYS', 0, 0, 3650),
    retiredRetentionSeconds,
  };
}

function loginThrottle(env: Env): LoginThrottleConfig {
  const delayAfter = integer(env, 'LOGIN_DELAY_AFTER_FAILURES', 5, 1, 100);
  // NIST SP 800-63B 5.2.2: no more than 100 consecutive failed attempts on one account.
  const lockAfter = integer(env, 'LOGIN_LOCK_AFTER_FAILURES', 20, 1, 100);
  if (lockAfter < delayAfter)
    throw new ConfigError('LOGIN_LOCK_AFTER_FAILURES', `must be at least LOGIN_DELAY_AFTER_FAILURES (${delayAfter})`);
  const accountLockAfter = integer(env, 'LOGIN_ACCOUNT_LOCK_AFTER_FAILURES', 100, 1, 100);
  if (accountLockAfter < lockAfter)
    throw new ConfigError(
      'LOGIN_ACCOUNT_LOCK_AFTER_FAILURES',
      `must be at least LOGIN_LOCK_AFTER_FAILURES (${lockAfter})`,
    );
  // Locking an address across all accounts locked out everyone behind a shared proxy or NAT.
  if (text(env, 'LOGIN_IP_LOCK_AFTER_FAILURES') !== undefined) {
    throw new ConfigError(
      'LOGIN_IP_LOCK_AFTER_FAILURES',
      'is no longer used: lockouts are per account and per account+address (see LOGIN_ACCOUNT_LOCK_AFTER_FAILURES)',
    );
  }
  return {
    delayAfter,
    lockAfter,
    lockSeconds: integer(env, 'LOGIN_LOCK_SECONDS', 15 * MINUTE, 1, DAY),
    accountLockAfter,
  };
}

export function loadConfig(env: Env): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'test', 'production'] as const, 'development');
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const uri = mongodbUri(env, nodeEnv);
  const ttl = lifetimes(env);
  const tokenExchangeMaxTtl = integer(env, 'TOKEN_EXCHANGE_MAX_TTL', 5 * MINUTE, 10, DAY);
  const longestToken = Math.max(ttl.accessToken, ttl.clientCredentials, ttl.idToken, tokenExchangeMaxTtl);
  const seed = demoSeed(env, nodeEnv, uri);
  // The local demo (embedded database, demo seeded) lets agents register for its MCP server out
  // of the box; everywhere else registration is off until the operator turns it on.
  const localDemo = uri === undefined && seed;
  const issuer = issuerUrl(env, nodeEnv, port);
  const mail = mailConfig(env, nodeEnv, issuer, uri === undefined);
  return {
    nodeEnv,
    issuer,
    host: text(env, 'HOST') ?? '127.0.0.1',
    port,
    mongodbUri: uri,
    devDataDir: devDataDir(env, nodeEnv, uri),
    configFile: text(env, 'MESHID_CONFIG'),
    clientMetadataDocuments: flag(env, 'CLIENT_METADATA_DOCUMENTS', localDemo),
    clientMetadataHosts: hostPatterns(env, 'CIMD_ALLOWED_HOSTS'),
    registration: oneOf(env, 'REGISTRATION', ['off', 'open', 'token'] as const, localDemo ? 'open' : 'off'),
    registrationResources:
      text(env, 'REGISTRATION_RESOURCES') === undefined && localDemo
        ? [DEMO_MCP_SERVER]
        : uriList(env, 'REGISTRATION_RESOURCES'),
    registrationMaxClients: integer(env, 'REGISTRATION_MAX_CLIENTS', 1000, 1, 1_000_000),
    registrationPerHour: integer(env, 'REGISTRATION_PER_HOUR', 20, 1, 100_000),
    registrationUnusedDays: integer(env, 'REGISTRATION_UNUSED_DAYS', 30, 1, 3650),
    mongodbDatabase: databaseName(env),
    proxyHops: proxyHops(env),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    demoSeed: seed,
    ttl,
    clientCacheTtl: integer(env, 'CLIENT_CACHE_TTL', 30, 0, HOUR),
    mfa: mfaConfig(env, nodeEnv),
    webauthn: webauthnConfig(env, issuer, text(env, 'MFA_ISSUER_NAME') ?? 'meshid'),
    mail,
    signup: signupConfig(env, mail),
    tokenExchangeMaxTtl,
    keys: keysConfig(env, nodeEnv, longestToken),
    passwordMinLength: integer(env, 'PASSWORD_MIN_LENGTH', 8, 8, 64),
    passwordHashing: passwordHashing(env),
    accountReauthSeconds: integer(env, 'ACCOUNT_REAUTH_SECONDS', 10 * MINUTE, MINUTE, DAY),
    loginThrottle: loginThrottle(env),
    databaseTimeoutMs: integer(env, 'DATABASE_TIMEOUT_MS', 5000, 100, 60_000),
    validateCacheSeconds: integer(env, 'VALIDATE_CACHE_SECONDS', 10, 0, 300),
    validateDefaultAudiences: uriList(env, 'VALIDATE_DEFAULT_AUDIENCE'),
    auditFailuresPerMinute: integer(env, 'AUDIT_FAILURES_PER_MINUTE', 20, 1, 10_000),
    upstreamTimeoutMs: integer(env, 'UPSTREAM_TIMEOUT_MS', 10_000, 500, 60_000),
    adminApiCallsPerMinute: integer(env, 'ADMIN_API_CALLS_PER_MINUTE', 600, 1, 100_000),
    metricsPort: text(env, 'METRICS_PORT') === undefined ? undefined : integer(env, 'METRICS_PORT', 0, 0, 65535),
    metricsHost: text(env, 'METRICS_HOST') ?? '127.0.0.1',
    metricsToken: metricsToken(env),
  };
}
