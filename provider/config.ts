/**
 * The only reader of `process.env`. Everything else receives a `Config`.
 *
 * `loadConfig(env)` validates every variable once (reading nothing but `env`) and returns the typed
 * object or throws one `ConfigError` naming every bad variable, so one start says all there is to fix.
 */
import { randomBytes } from 'node:crypto';
import { isAbsolute } from 'node:path';

type NodeEnv = 'development' | 'test' | 'production';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

interface TokenLifetimes {
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

interface MfaConfig {
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
  /** MESHID_SECRETS_DIR: the only folder a configuration file's `{ file: PATH }` secrets are read from */
  secretsDir: string;
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
  /** how often the client change marker is read: how late another instance sees a client change, seconds */
  clientChangeSeconds: number;
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
  /** the HTTP listener's limits and how it stops (see docs/scaling.md, Shutdown) */
  http: HttpConfig;
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

interface ConfigProblem {
  variable: string;
  problem: string;
}

/** Every problem found in the configuration, one line each, naming its variable. */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];
  /** the first problem's variable */
  readonly variable: string;
  constructor(problems: readonly ConfigProblem[]) {
    super(problems.map(({ variable, problem }) => `configuration: ${variable} ${problem}`).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
    this.variable = problems[0]?.variable ?? '';
  }
}

type Env = Record<string, string | undefined>;

/**
 * The variables being read and every problem found in them so far. A reader that finds a problem
 * records it and carries on with the default, so that one start names every problem at once.
 */
class Reading {
  readonly env: Env;
  readonly problems: ConfigProblem[] = [];
  constructor(env: Env) {
    this.env = env;
  }
  /** Records a problem and answers `fallback`, so that reading goes on to the next variable. */
  problem<T>(variable: string, problem: string, fallback: T): T {
    this.problems.push({ variable, problem });
    return fallback;
  }
}

const MINUTE = 60;
/** The demo's MCP server (docs/examples/demo.yaml declares it; docs/quickstart/mcp.md runs it). */
const DEMO_MCP_SERVER = 'http://localhost:3005/mcp';
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function text(r: Reading, name: string): string | undefined {
  const value = r.env[name]?.trim();
  return value === '' ? undefined : value;
}

function oneOf<T extends string>(r: Reading, name: string, allowed: readonly T[], fallback: T): T {
  const value = text(r, name);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    return r.problem(name, `must be one of ${allowed.join(', ')} (got "${value}")`, fallback);
  }
  return value as T;
}

export interface HttpConfig {
  /** a client must send its request headers within this, ms (Node: 60000) */
  headersTimeoutMs: number;
  /** a client must send its whole request within this, ms (Node: 300000) */
  requestTimeoutMs: number;
  /** an idle kept-alive connection is closed after this, ms (Node: 5000) */
  keepAliveTimeoutMs: number;
  /** after SIGTERM: /readyz answers 503 while the listener still accepts, for this long, ms */
  shutdownReadyDelayMs: number;
  /** after SIGTERM: connections still open this long after the signal are closed, ms */
  shutdownTimeoutMs: number;
}

function httpConfig(r: Reading): HttpConfig {
  const headersTimeoutMs = integer(r, 'HTTP_HEADERS_TIMEOUT_MS', 10_000, 500, 120_000);
  const shutdownTimeoutMs = integer(r, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000);
  return {
    headersTimeoutMs,
    // Node refuses a request timeout below the headers timeout.
    requestTimeoutMs: integer(
      r,
      'HTTP_REQUEST_TIMEOUT_MS',
      Math.max(30_000, headersTimeoutMs),
      headersTimeoutMs,
      600_000,
    ),
    keepAliveTimeoutMs: integer(r, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 5000, 100, 600_000),
    // The delay is part of the deadline, never beyond it.
    shutdownReadyDelayMs: integer(r, 'SHUTDOWN_READY_DELAY_MS', 0, 0, shutdownTimeoutMs),
    shutdownTimeoutMs,
  };
}

function integer(r: Reading, name: string, fallback: number, min: number, max: number): number {
  const value = text(r, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) return r.problem(name, `must be a whole number (got "${value}")`, fallback);
  const n = Number(value);
  if (n < min || n > max) return r.problem(name, `must be between ${min} and ${max} (got ${n})`, fallback);
  return n;
}

function flag(r: Reading, name: string, fallback: boolean): boolean {
  const value = text(r, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  return r.problem(name, `must be 1/true/yes/on or 0/false/no/off (got "${value}")`, fallback);
}

/** Space-separated absolute URIs (empty when unset). */
function uriList(r: Reading, name: string): string[] {
  const values = text(r, name)?.split(/\s+/) ?? [];
  const bad = values.find((value) => !URL.canParse(value));
  if (bad !== undefined) return r.problem(name, `must be absolute URIs separated by spaces (got "${bad}")`, []);
  return values;
}

/** A bearer token for scrapers on the public port: long enough not to be guessed. */
function metricsToken(r: Reading): string | undefined {
  const value = text(r, 'METRICS_TOKEN');
  if (value !== undefined && (value.length < 32 || !/^[\x21-\x7e]+$/.test(value))) {
    return r.problem(
      'METRICS_TOKEN',
      'must be at least 32 printable characters without spaces (for example: openssl rand -hex 32)',
      undefined,
    );
  }
  return value;
}

/** The demo is seeded by default on the embedded database only (seeding twice creates nothing twice); never in production. */
function demoSeed(r: Reading, nodeEnv: NodeEnv, uri: string | undefined): boolean {
  const seed = flag(r, 'DEMO_SEED', uri === undefined && nodeEnv !== 'production');
  if (seed && nodeEnv === 'production')
    return r.problem(
      'DEMO_SEED',
      "must be off when NODE_ENV=production (the demo's secrets are printed to the console)",
      false,
    );
  return seed;
}

/** DEV_DATA_DIR: where development keeps the embedded database between runs (default .meshid; "none": nowhere). */
function devDataDir(r: Reading, nodeEnv: NodeEnv, uri: string | undefined): string | undefined {
  const value = text(r, 'DEV_DATA_DIR');
  if (uri !== undefined || nodeEnv === 'production') return undefined;
  if (value === 'none') return undefined;
  return value ?? '.meshid';
}

function absolutePath(r: Reading, name: string, fallback: string): string {
  const value = text(r, name);
  if (value === undefined) return fallback;
  if (!isAbsolute(value)) return r.problem(name, `must be an absolute path (got "${value}")`, fallback);
  return value;
}

/** Host names or `*.`-prefixed suffixes, separated by spaces. */
function hostPatterns(r: Reading, name: string): string[] {
  const values = text(r, name)?.toLowerCase().split(/\s+/) ?? [];
  const bad = values.find((value) => !/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(value));
  if (bad !== undefined)
    return r.problem(name, `must be host names or *.domain patterns separated by spaces (got "${bad}")`, []);
  return values;
}

/**
 * OWASP's argon2id profiles trade memory for passes (46 MiB × 1 … 7 MiB × 5); each costs at
 * least 7 MiB × 5. A cheaper setting would make stolen hashes cheaper to guess: refused.
 */
const OWASP_LEAST_COST = 7168 * 5;

function hashingCost(r: Reading): PasswordHashingConfig {
  const memoryKiB = integer(r, 'PASSWORD_HASH_MEMORY_KIB', 19_456, 7168, 1_048_576);
  const iterations = integer(r, 'PASSWORD_HASH_ITERATIONS', 2, 1, 16);
  if (memoryKiB * iterations < OWASP_LEAST_COST)
    r.problem(
      'PASSWORD_HASH_ITERATIONS',
      `× PASSWORD_HASH_MEMORY_KIB must be at least ${OWASP_LEAST_COST} (OWASP's cheapest argon2id profile: 7168 KiB × 5)`,
      undefined,
    );
  return { memoryKiB, iterations };
}

/** PASSWORD_HASH_*, validated (the bench reads them too, to measure the floor with them). */
export function passwordHashing(env: Env): PasswordHashingConfig {
  const r = new Reading(env);
  const hashing = hashingCost(r);
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return hashing;
}

/** TRUST_PROXY: 0/false (no proxy), 1/true (one), or the number of proxies in front, up to 10. */
function proxyHops(r: Reading): number {
  const value = text(r, 'TRUST_PROXY')?.toLowerCase();
  if (value === undefined) return 0;
  if (/^\d+$/.test(value)) return integer(r, 'TRUST_PROXY', 0, 0, 10);
  return flag(r, 'TRUST_PROXY', false) ? 1 : 0;
}

/** ISSUER; unset, it follows PORT (`http://localhost:$PORT`), so changing the port alone works. */
function issuerUrl(r: Reading, nodeEnv: NodeEnv, port: number): string {
  const fallback = `http://localhost:${port || 3000}`;
  const value = text(r, 'ISSUER') ?? fallback;
  const url = URL.parse(value);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return r.problem('ISSUER', `must be an http(s) URL (got "${value}")`, fallback);
  }
  if (url.search || url.hash)
    return r.problem('ISSUER', 'must not have a query or fragment (OpenID Discovery 3)', fallback);
  // Every endpoint, screen and well-known document is served from the root of the host, so an
  // issuer with a path would advertise discovery and endpoints where nothing answers.
  if (url.pathname.replace(/\/+$/, '') !== '') {
    return r.problem('ISSUER', `must have no path: meshid serves from the root of its host (got "${value}")`, fallback);
  }
  // Browsers drop Secure cookies and relying parties refuse plain-http issuers in production.
  if (nodeEnv === 'production' && url.protocol !== 'https:') {
    return r.problem('ISSUER', 'must be https when NODE_ENV=production', fallback);
  }
  // The issuer is compared byte for byte by relying parties: keep it without a trailing slash.
  return value.replace(/\/+$/, '');
}

function mongodbUri(r: Reading, nodeEnv: NodeEnv): string | undefined {
  const value = text(r, 'MONGODB_URI');
  if (value === undefined) {
    if (nodeEnv === 'production') {
      return r.problem(
        'MONGODB_URI',
        'is required when NODE_ENV=production (the embedded database is for development: one process, on this machine only)',
        undefined,
      );
    }
    return undefined;
  }
  if (!/^mongodb(\+srv)?:\/\//.test(value)) {
    return r.problem('MONGODB_URI', 'must start with mongodb:// or mongodb+srv://', undefined);
  }
  return value;
}

function databaseName(r: Reading): string | undefined {
  const value = text(r, 'MONGODB_DATABASE');
  if (value !== undefined && !/^[A-Za-z0-9_-]{1,63}$/.test(value)) {
    return r.problem('MONGODB_DATABASE', 'may hold only letters, digits, _ and - (at most 63)', undefined);
  }
  return value;
}

function lifetimes(r: Reading): TokenLifetimes {
  const ttl: TokenLifetimes = {
    accessToken: integer(r, 'ACCESS_TOKEN_TTL', 10 * MINUTE, 60, DAY),
    clientCredentials: integer(r, 'CLIENT_CREDENTIALS_TTL', 10 * MINUTE, 60, DAY),
    idToken: integer(r, 'ID_TOKEN_TTL', HOUR, 60, DAY),
    refreshToken: integer(r, 'REFRESH_TOKEN_TTL', 14 * DAY, 5 * MINUTE, 365 * DAY),
    // RFC 6749 4.1.2 recommends at most 10 minutes; the project promises at most 60 s.
    authorizationCode: integer(r, 'AUTHORIZATION_CODE_TTL', 60, 10, 60),
    session: integer(r, 'SESSION_TTL', 14 * DAY, 5 * MINUTE, 365 * DAY),
    interaction: integer(r, 'INTERACTION_TTL', 15 * MINUTE, MINUTE, DAY),
    grant: integer(r, 'GRANT_TTL', 30 * DAY, 5 * MINUTE, 365 * DAY),
  };
  // A grant that ends before its refresh tokens would silently invalidate them early.
  if (ttl.grant < ttl.refreshToken) {
    r.problem('GRANT_TTL', `must be at least REFRESH_TOKEN_TTL (${ttl.refreshToken})`, undefined);
  }
  return ttl;
}

/**
 * A 32-byte key in base64. Without one, development gets a throwaway key for this process (what
 * it seals cannot be opened after a restart, unless dev-data/development-keys.ts replaces it with
 * one kept beside the embedded database's data); production refuses to start.
 */
function encryptionKey(r: Reading, name: string, nodeEnv: NodeEnv): { key: Buffer; ephemeral: boolean } {
  const raw = text(r, name);
  if (raw === undefined) {
    if (nodeEnv === 'production')
      r.problem(
        name,
        'is required when NODE_ENV=production (32 random bytes, base64: openssl rand -base64 32)',
        undefined,
      );
    return { key: randomBytes(32), ephemeral: true };
  }
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/_-]+=*$/.test(raw)) {
    r.problem(name, 'must be 32 bytes in base64 (for example: openssl rand -base64 32)', undefined);
    return { key: randomBytes(32), ephemeral: true };
  }
  return { key, ephemeral: false };
}

function mfaConfig(r: Reading, nodeEnv: NodeEnv): MfaConfig {
  const policy = oneOf(r, 'MFA_POLICY', ['optional', 'required'] as const, 'optional');
  const issuerName = text(r, 'MFA_ISSUER_NAME') ?? 'meshid';
  const { key, ephemeral } = encryptionKey(r, 'MFA_ENCRYPTION_KEY', nodeEnv);
  return { policy, issuerName, encryptionKey: key, ephemeralKey: ephemeral };
}

const AAGUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Passkeys belong to the issuer's host, or to a parent domain of it when WEBAUTHN_RP_ID says so
 * (browsers accept a registrable suffix of the page's host, never another site).
 */
function webauthnConfig(r: Reading, issuer: string, rpName: string): WebAuthnConfig {
  const url = new URL(issuer);
  const host = url.hostname;
  let rpId = (text(r, 'WEBAUTHN_RP_ID') ?? host).toLowerCase();
  // A wrong ISSUER is reported already; the stand-in's host says nothing about WEBAUTHN_RP_ID.
  if (r.problems.some((problem) => problem.variable === 'ISSUER')) rpId = host;
  if (rpId !== host && !host.endsWith(`.${rpId}`)) {
    rpId = r.problem('WEBAUTHN_RP_ID', `must be the issuer's host name (${host}) or a parent domain of it`, host);
  }
  // A parent domain must be a site, not a top-level domain (no public-suffix list is consulted).
  if (rpId !== host && !rpId.includes('.')) {
    rpId = r.problem('WEBAUTHN_RP_ID', 'must be a domain name (like example.com), not a top-level name', host);
  }
  const allowedAaguids = (text(r, 'WEBAUTHN_ALLOWED_AAGUIDS') ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  const bad = allowedAaguids.find((entry) => !AAGUID.test(entry));
  if (bad !== undefined) r.problem('WEBAUTHN_ALLOWED_AAGUIDS', `has "${bad}", which is not an AAGUID`, undefined);
  return { rpId, origin: url.origin, rpName, allowedAaguids };
}

/**
 * Email: SMTP_URL sends for real; without it development keeps mails for /dev/mail and the log,
 * and production turns the email features off (a start-up message says so) rather than pretend.
 */
function mailConfig(r: Reading, nodeEnv: NodeEnv, issuer: string, embedded: boolean): MailConfig {
  let smtpUrl = text(r, 'SMTP_URL');
  if (smtpUrl !== undefined) {
    // The value may hold a password: the messages never repeat it.
    const url = URL.canParse(smtpUrl) ? new URL(smtpUrl) : undefined;
    if (!url || !['smtp:', 'smtps:'].includes(url.protocol) || !url.hostname) {
      smtpUrl = r.problem(
        'SMTP_URL',
        'must be an smtp:// or smtps:// URL, like smtps://user:pass@smtp.example.com:465',
        undefined,
      );
    }
  }
  const from = text(r, 'MAIL_FROM') ?? `meshid <no-reply@${new URL(issuer).hostname}>`;
  if (!/^[^\r\n]*<?[^\s@<>]+@[^\s@<>]+>?$/.test(from)) {
    r.problem(
      'MAIL_FROM',
      `must be an address, optionally with a name: "Name <no-reply@example.com>" (got "${from}")`,
      undefined,
    );
  }
  const mode = smtpUrl !== undefined ? 'smtp' : nodeEnv === 'production' ? 'off' : 'log';
  return {
    mode,
    devPage: mode === 'log' && (embedded || nodeEnv === 'test'),
    smtpUrl,
    from,
    sendTimeoutMs: integer(r, 'MAIL_SEND_TIMEOUT_MS', 5000, 500, 60_000),
    maxAttempts: integer(r, 'MAIL_MAX_ATTEMPTS', 8, 1, 50),
    retrySeconds: integer(r, 'MAIL_RETRY_SECONDS', 30, 1, HOUR),
    passwordResetSeconds: integer(r, 'PASSWORD_RESET_TTL', 30 * MINUTE, 5 * MINUTE, DAY),
  };
}

/**
 * Under MFA_POLICY=required an account's first factor is enrolled only after a mailed code
 * proves its email (mfa/first-factor-rule.ts): without mail, nobody could ever sign in.
 */
function firstFactorNeedsMail(r: Reading, config: Pick<Config, 'mfa' | 'mail'>): void {
  if (config.mfa.policy !== 'required' || config.mail.mode !== 'off') return;
  // a wrong SMTP_URL is reported already, for what it is
  if (r.problems.some((problem) => problem.variable === 'SMTP_URL')) return;
  r.problem(
    'SMTP_URL',
    'is needed with MFA_POLICY=required in production: a first factor is enrolled only after a mailed code (set SMTP_URL, or MFA_POLICY=optional)',
    undefined,
  );
}

/** Self-registration: off unless asked for, and never without a way to confirm the address. */
function signupConfig(r: Reading, mail: MailConfig): SignupConfig {
  const mode = oneOf(r, 'SIGNUP', ['off', 'open', 'domains'] as const, 'off');
  const domains = (text(r, 'SIGNUP_DOMAINS') ?? '')
    .split(/[\s,]+/)
    .map((domain) => domain.toLowerCase())
    .filter(Boolean);
  const bad = domains.find((domain) => !/^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain));
  if (bad !== undefined) r.problem('SIGNUP_DOMAINS', `has "${bad}", which is not a domain name`, undefined);
  else if (mode === 'domains' && domains.length === 0)
    r.problem('SIGNUP_DOMAINS', 'must list the allowed domains when SIGNUP=domains', undefined);
  if (mode !== 'off' && mail.mode === 'off')
    r.problem('SIGNUP', 'needs SMTP_URL in production: new accounts confirm their address by mail', undefined);
  return { mode, domains };
}

function keysConfig(r: Reading, nodeEnv: NodeEnv, longestToken: number): KeysConfig {
  const { key, ephemeral } = encryptionKey(r, 'KEY_ENCRYPTION_KEY', nodeEnv);
  const retiredRetentionSeconds = integer(r, 'KEY_RETIRED_RETENTION_SECONDS', DAY, 60, 365 * DAY);
  // A key removed from JWKS while tokens it signed are alive would break those tokens.
  if (retiredRetentionSeconds < longestToken) {
    r.problem(
      'KEY_RETIRED_RETENTION_SECONDS',
      `must be at least the longest token lifetime (${longestToken})`,
      undefined,
    );
  }
  return {
    encryptionKey: key,
    ephemeralKey: ephemeral,
    reloadSeconds: integer(r, 'KEY_RELOAD_SECONDS', 30, 1, HOUR),
    rotationDays: integer(r, 'KEY_ROTATION_DAYS', 0, 0, 3650),
    retiredRetentionSeconds,
  };
}

function loginThrottle(r: Reading): LoginThrottleConfig {
  const delayAfter = integer(r, 'LOGIN_DELAY_AFTER_FAILURES', 5, 1, 100);
  // NIST SP 800-63B 5.2.2: no more than 100 consecutive failed attempts on one account.
  const lockAfter = integer(r, 'LOGIN_LOCK_AFTER_FAILURES', 20, 1, 100);
  if (lockAfter < delayAfter)
    r.problem('LOGIN_LOCK_AFTER_FAILURES', `must be at least LOGIN_DELAY_AFTER_FAILURES (${delayAfter})`, undefined);
  const accountLockAfter = integer(r, 'LOGIN_ACCOUNT_LOCK_AFTER_FAILURES', 100, 1, 100);
  if (accountLockAfter < lockAfter)
    r.problem(
      'LOGIN_ACCOUNT_LOCK_AFTER_FAILURES',
      `must be at least LOGIN_LOCK_AFTER_FAILURES (${lockAfter})`,
      undefined,
    );
  // Locking an address across all accounts locked out everyone behind a shared proxy or NAT.
  if (text(r, 'LOGIN_IP_LOCK_AFTER_FAILURES') !== undefined) {
    r.problem(
      'LOGIN_IP_LOCK_AFTER_FAILURES',
      'is no longer used: lockouts are per account and per account+address (see LOGIN_ACCOUNT_LOCK_AFTER_FAILURES)',
      undefined,
    );
  }
  return {
    delayAfter,
    lockAfter,
    lockSeconds: integer(r, 'LOGIN_LOCK_SECONDS', 15 * MINUTE, 1, DAY),
    accountLockAfter,
  };
}

/**
 * Reads and validates every variable, or throws one `ConfigError` listing every problem found
 * (each naming its variable), so that one start says all that is to be fixed.
 */
export function loadConfig(env: Env): Config {
  const r = new Reading(env);
  const nodeEnv = oneOf(r, 'NODE_ENV', ['development', 'test', 'production'] as const, 'development');
  const port = integer(r, 'PORT', 3000, 0, 65535);
  const uri = mongodbUri(r, nodeEnv);
  const ttl = lifetimes(r);
  const tokenExchangeMaxTtl = integer(r, 'TOKEN_EXCHANGE_MAX_TTL', 5 * MINUTE, 10, DAY);
  const longestToken = Math.max(ttl.accessToken, ttl.clientCredentials, ttl.idToken, tokenExchangeMaxTtl);
  const seed = demoSeed(r, nodeEnv, uri);
  // The local demo (embedded database, demo seeded) lets agents register for its MCP server out
  // of the box; everywhere else registration is off until the operator turns it on.
  const localDemo = uri === undefined && seed;
  const issuer = issuerUrl(r, nodeEnv, port);
  const mail = mailConfig(r, nodeEnv, issuer, uri === undefined);
  const config: Config = {
    nodeEnv,
    issuer,
    host: text(r, 'HOST') ?? '127.0.0.1',
    port,
    mongodbUri: uri,
    devDataDir: devDataDir(r, nodeEnv, uri),
    configFile: text(r, 'MESHID_CONFIG'),
    secretsDir: absolutePath(r, 'MESHID_SECRETS_DIR', '/run/secrets'),
    clientMetadataDocuments: flag(r, 'CLIENT_METADATA_DOCUMENTS', localDemo),
    clientMetadataHosts: hostPatterns(r, 'CIMD_ALLOWED_HOSTS'),
    registration: oneOf(r, 'REGISTRATION', ['off', 'open', 'token'] as const, localDemo ? 'open' : 'off'),
    registrationResources:
      text(r, 'REGISTRATION_RESOURCES') === undefined && localDemo
        ? [DEMO_MCP_SERVER]
        : uriList(r, 'REGISTRATION_RESOURCES'),
    registrationMaxClients: integer(r, 'REGISTRATION_MAX_CLIENTS', 1000, 1, 1_000_000),
    registrationPerHour: integer(r, 'REGISTRATION_PER_HOUR', 20, 1, 100_000),
    registrationUnusedDays: integer(r, 'REGISTRATION_UNUSED_DAYS', 30, 1, 3650),
    mongodbDatabase: databaseName(r),
    proxyHops: proxyHops(r),
    logLevel: oneOf(r, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    demoSeed: seed,
    ttl,
    clientCacheTtl: integer(r, 'CLIENT_CACHE_TTL', 30, 0, HOUR),
    clientChangeSeconds: integer(r, 'CLIENT_CHANGE_SECONDS', 3, 1, 60),
    mfa: mfaConfig(r, nodeEnv),
    webauthn: webauthnConfig(r, issuer, text(r, 'MFA_ISSUER_NAME') ?? 'meshid'),
    mail,
    signup: signupConfig(r, mail),
    tokenExchangeMaxTtl,
    keys: keysConfig(r, nodeEnv, longestToken),
    passwordMinLength: integer(r, 'PASSWORD_MIN_LENGTH', 8, 8, 64),
    passwordHashing: hashingCost(r),
    accountReauthSeconds: integer(r, 'ACCOUNT_REAUTH_SECONDS', 10 * MINUTE, MINUTE, DAY),
    loginThrottle: loginThrottle(r),
    databaseTimeoutMs: integer(r, 'DATABASE_TIMEOUT_MS', 5000, 100, 60_000),
    http: httpConfig(r),
    validateCacheSeconds: integer(r, 'VALIDATE_CACHE_SECONDS', 10, 0, 300),
    validateDefaultAudiences: uriList(r, 'VALIDATE_DEFAULT_AUDIENCE'),
    auditFailuresPerMinute: integer(r, 'AUDIT_FAILURES_PER_MINUTE', 20, 1, 10_000),
    upstreamTimeoutMs: integer(r, 'UPSTREAM_TIMEOUT_MS', 10_000, 500, 60_000),
    adminApiCallsPerMinute: integer(r, 'ADMIN_API_CALLS_PER_MINUTE', 600, 1, 100_000),
    metricsPort: text(r, 'METRICS_PORT') === undefined ? undefined : integer(r, 'METRICS_PORT', 0, 0, 65535),
    metricsHost: text(r, 'METRICS_HOST') ?? '127.0.0.1',
    metricsToken: metricsToken(r),
  };
  firstFactorNeedsMail(r, config);
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}
