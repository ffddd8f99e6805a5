import type { Random } from './random.ts';
import type { FuzzTarget } from './malformed-request.ts';

/** Registration metadata fields (RFC 7591, OpenID Dynamic Registration and our own). */
const FIELDS = [
  'redirect_uris',
  'post_logout_redirect_uris',
  'grant_types',
  'response_types',
  'token_endpoint_auth_method',
  'application_type',
  'allowed_resources',
  'first_party',
  'require_mfa',
  'require_passkey',
  'require_verified_email',
  'resource_scopes',
  'token_exchange',
  'may_act',
  'backchannel_logout_uri',
  'dynamic_client',
  'scope',
  'client_name',
  'client_uri',
  'logo_uri',
  'contacts',
  'jwks',
  'jwks_uri',
  'software_statement',
  'id_token_signed_response_alg',
  'default_max_age',
  'client_id',
  'client_secret',
  '__proto__',
  'constructor',
];

/** A value of any JSON type, with strings that look right for some field. */
function anyValue(random: Random, target: FuzzTarget, depth = 0): unknown {
  switch (random.int(depth > 1 ? 9 : 12)) {
    case 0:
      return null;
    case 1:
      return random.chance(0.5);
    case 2:
      return random.pick([0, -1, 1.5, 2 ** 53, 1e21]);
    case 3:
      return '';
    case 4:
      return random.string(1 + random.int(30));
    case 5:
      return random.pick([target.redirectUri, 'https://*.example.com/cb', 'http://10.0.0.5/x', 'com.example.app:/cb']);
    case 6:
      return random.pick(['authorization_code', 'refresh_token', 'client_credentials', 'implicit', 'code', 'token']);
    case 7:
      return random.pick(['none', 'client_secret_basic', 'private_key_jwt', 'client_secret_jwt', 'native', 'web']);
    case 8:
      return 'x'.repeat(random.pick([1_000, 20_000]));
    case 9:
    case 10:
      return Array.from({ length: random.int(4) }, () => anyValue(random, target, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: random.int(3) }, () => [random.pick(FIELDS), anyValue(random, target, depth + 1)]),
      );
  }
}

/**
 * A registration (or RFC 7592 update) body: a valid public client with a few fields replaced by
 * values of any JSON type, so the policy and the library's checks both see wrong types.
 */
export function clientMetadataBody(random: Random, target: FuzzTarget): string {
  const metadata: Record<string, unknown> = {
    client_name: 'fuzz',
    redirect_uris: [target.redirectUri],
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code'],
  };
  for (let i = 1 + random.int(3); i > 0; i -= 1) {
    const field = random.pick(FIELDS);
    // defineProperty: `__proto__` as an own key, the way JSON.parse makes it
    Object.defineProperty(metadata, field, {
      value: anyValue(random, target),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  if (random.chance(0.2)) delete metadata[random.pick(Object.keys(metadata))];
  return JSON.stringify(metadata);
}
