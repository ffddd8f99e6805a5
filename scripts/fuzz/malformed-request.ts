import { clientMetadataBody } from './client-metadata.ts';
import type { Random } from './random.ts';

/** What the fuzzer knows of the target, to mix valid-looking parts into the noise. */
export interface FuzzTarget {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** a browser session of the device page (its cookie and form token), to reach past the token check */
  device?: { cookie: string; xsrf: string };
}

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** raw, already encoded */
  body?: string;
}

const PATHS = [
  '/auth',
  '/token',
  '/token/introspection',
  '/token/revocation',
  '/me',
  '/jwks',
  '/.well-known/openid-configuration',
  '/session/end',
  '/session/end/confirm',
  '/reg',
  '/reg/UID',
  '/device',
  '/device/UID',
  '/request',
  '/interaction/UID',
  '/interaction/UID/login',
  '/interaction/UID/confirm',
  '/interaction/UID/abort',
  '/interaction/UID/mfa',
  '/interaction/UID/mfa/enroll',
  '/interaction/UID/passkey',
  '/interaction/UID/passkey/options',
  '/account',
  '/account/login',
  '/account/callback',
  '/account/mfa/start',
  '/account/mfa/activate',
  '/account/mfa/remove',
  '/account/passkeys',
  '/account/passkeys/options',
  '/account/passkeys/confirm-options',
  '/account/passkeys/remove',
  '/auth/UID',
  '/healthz',
  '/readyz',
  '/assets/style.css',
  '/assets/passkeys.js',
  '/RANDOM',
];
const METHODS = ['GET', 'GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];
const PARAMS = [
  'client_id',
  'client_secret',
  'redirect_uri',
  'response_type',
  'response_mode',
  'scope',
  'state',
  'nonce',
  'prompt',
  'max_age',
  'code_challenge',
  'code_challenge_method',
  'code_verifier',
  'grant_type',
  'code',
  'refresh_token',
  'token',
  'token_type_hint',
  'resource',
  'audience',
  'subject_token',
  'subject_token_type',
  'actor_token',
  'actor_token_type',
  'requested_token_type',
  'id_token_hint',
  'login_hint',
  'acr_values',
  'claims',
  'request',
  'request_uri',
  'post_logout_redirect_uri',
  'logout',
  'xsrf',
  'csrf',
  'email',
  'password',
  'client_assertion',
  'client_assertion_type',
  'ui_locales',
  'display',
  'proof',
  'credential',
  'name',
  'id',
  'user_code',
  'confirm',
  'abort',
];
const GRANTS = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'password',
  'implicit',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  '',
];
const CONTENT_TYPES = [
  'application/x-www-form-urlencoded',
  'application/json',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded; charset=latin1',
  'application/jwt',
  '',
  'image/png',
];

function jwtish(random: Random): string {
  const part = () =>
    random.pick([
      Buffer.from(
        JSON.stringify({
          alg: random.pick(['none', 'ES256', 'RS256', 'HS256', '']),
          typ: 'at+jwt',
          kid: random.string(8),
        }),
      ).toString('base64url'),
      Buffer.from(JSON.stringify({ sub: random.string(5), exp: random.int(2e9), scope: random.string(10) })).toString(
        'base64url',
      ),
      random.string(random.int(60)),
      '',
    ]);
  return [part(), part(), part()].slice(0, 1 + random.int(4)).join('.');
}

function value(random: Random, target: FuzzTarget): string {
  switch (random.int(14)) {
    case 0:
      return '';
    case 1:
      return random.string(1 + random.int(40));
    case 2:
      return 'x'.repeat(random.pick([1_000, 20_000, 120_000]));
    case 3:
      return '\u0000\uFFFF\u202E'; // null byte, a non-character, a direction override
    case 4:
      return jwtish(random);
    case 5:
      return target.clientId;
    case 6:
      return target.redirectUri;
    case 7:
      return random.pick(GRANTS);
    case 8:
      return 'urn:ietf:params:oauth:token-type:access_token';
    case 9:
      return random.pick([
        'openid',
        'openid profile email offline_access',
        'orders:read',
        '../../etc/passwd',
        '<script>alert(1)</script>',
      ]);
    case 10:
      return random.pick([
        'https://evil.example/cb',
        'javascript:alert(1)',
        'http://127.0.0.1/',
        '//evil',
        'https://api.example.test',
      ]);
    case 11:
      return JSON.stringify({ a: [1, { b: null }] });
    case 12:
      return random.pick(['S256', 'plain', 'code', 'token', 'none', 'login', 'consent', '-1', '1e309', 'NaN']);
    default:
      return String(random.int(1e6));
  }
}

/** Percent-encodes, sometimes leaving broken escapes and invalid UTF-8 in on purpose. */
function encoded(random: Random, raw: string): string {
  const base = encodeURIComponent(raw);
  return random.chance(0.1)
    ? base + random.pick(['%', '%E0%A4%A', '%C3%28', '%FF%FE', '%ED%A0%80', '%ZZ', '%00'])
    : base;
}

function query(random: Random, target: FuzzTarget): string {
  const parts: string[] = [];
  for (let i = random.int(8); i > 0; i -= 1) {
    const name = random.pick(PARAMS);
    parts.push(`${name}=${encoded(random, value(random, target))}`);
    if (random.chance(0.15)) parts.push(`${name}=${encoded(random, value(random, target))}`); // duplicated
  }
  return parts.join('&');
}

function body(random: Random, target: FuzzTarget, contentType: string): string | undefined {
  if (random.chance(0.1)) return undefined;
  if (contentType.startsWith('application/json')) {
    return random.pick([
      `{"grant_type":"${random.pick(GRANTS)}"`,
      '[1,2',
      JSON.stringify({ client_id: target.clientId, x: 'y'.repeat(random.int(5000)) }),
      'null',
      '{"__proto__":{"a":1}}',
    ]);
  }
  if (contentType.startsWith('multipart')) return '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--';
  return query(random, target);
}

function authorization(random: Random, target: FuzzTarget): string | undefined {
  switch (random.int(6)) {
    case 0:
      return `Basic ${Buffer.from(`${target.clientId}:${target.clientSecret}`).toString('base64')}`;
    case 1:
      return `Basic ${Buffer.from(`${random.string(6)}:${random.string(10)}`).toString('base64')}`;
    case 2:
      return `Basic ${random.pick(['%%%', '', '====', 'Og=='])}`;
    case 3:
      return `Bearer ${jwtish(random)}`;
    case 4:
      return random.string(30);
    default:
      return undefined;
  }
}

export function malformedRequest(random: Random, target: FuzzTarget): FuzzRequest {
  const method = random.pick(METHODS);
  let path = random
    .pick(PATHS)
    .replace('UID', random.pick([random.string(43), '..%2f..', '%00', 'x'.repeat(3000)]))
    .replace('RANDOM', random.string(20));
  if (random.chance(0.5)) path += `?${query(random, target)}`;
  const headers: Record<string, string> = {
    accept: random.pick(['text/html', 'application/json', '*/*', 'image/png', '']),
  };
  const auth = authorization(random, target);
  if (auth) headers.authorization = auth;
  if (random.chance(0.3))
    headers.cookie = random.pick([
      `_session=${random.string(40)}`,
      `_interaction=${random.string(43)}; _interaction.sig=${random.string(27)}`,
      random.string(100),
    ]);
  if (random.chance(0.2)) headers.origin = random.pick(['https://evil.example', 'null', 'http://127.0.0.1']);
  if (random.chance(0.1)) headers['x-forwarded-for'] = random.pick(['1.2.3.4', 'garbage', '::1, 10.0.0.1']);
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return { method, path, headers };
  if (path.startsWith('/reg') && random.chance(0.7)) {
    // Registration (RFC 7591) and its updates (RFC 7592): JSON metadata of every JSON type.
    headers['content-type'] = 'application/json';
    return { method, path, headers, body: clientMetadataBody(random, target) };
  }
  if (path.startsWith('/device') && target.device && random.chance(0.5)) {
    // The device page's own session and form token: the code lookup and confirmation run.
    headers.cookie = target.device.cookie;
    headers['content-type'] = 'application/x-www-form-urlencoded';
    const fields = `xsrf=${encoded(random, random.chance(0.8) ? target.device.xsrf : value(random, target))}`;
    return { method, path, headers, body: `${fields}&${query(random, target)}` };
  }
  const contentType = random.pick(CONTENT_TYPES);
  if (contentType) headers['content-type'] = contentType;
  return { method, path, headers, body: body(random, target, contentType) };
}
