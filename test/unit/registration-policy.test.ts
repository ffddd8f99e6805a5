import { expect } from 'chai';
import type { ClientMetadata } from 'oidc-provider';
import { errors } from 'oidc-provider';

import { applyRegistrationPolicy } from '../../provider/clients/registration-policy.ts';

const OPEN = ['https://mcp.example.com/mcp'];
const client = (overrides: Partial<ClientMetadata> = {}): ClientMetadata => ({
  client_id: 'x',
  redirect_uris: ['http://localhost:33418/callback'],
  ...overrides,
});

describe('dynamic registration policy', () => {
  it('fills in a public code client of the open APIs, never first-party, asking no openid', () => {
    const metadata = client({ client_secret: 'made-before-the-policy' });
    applyRegistrationPolicy(metadata, OPEN);
    expect(metadata).to.include({
      token_endpoint_auth_method: 'none',
      first_party: false,
      dynamic_client: true,
      require_auth_time: false,
    });
    expect(metadata.grant_types).to.deep.equal(['authorization_code']);
    expect(metadata.response_types).to.deep.equal(['code']);
    expect(metadata.allowed_resources).to.deep.equal(OPEN);
    expect(metadata).to.not.have.property('client_secret');
  });

  it('accepts native private-use schemes and loopback on any port', () => {
    expect(() =>
      applyRegistrationPolicy(client({ application_type: 'native', redirect_uris: ['com.example.agent:/cb'] }), OPEN),
    ).not.to.throw();
    expect(() =>
      applyRegistrationPolicy(client({ redirect_uris: ['http://127.0.0.1:1/cb', 'http://[::1]:65000/cb'] }), OPEN),
    ).not.to.throw();
  });

  it('keeps the secret of a client that asks to be confidential; a metadata document cannot', () => {
    const confidential = client({ token_endpoint_auth_method: 'client_secret_post', client_secret: 'generated' });
    applyRegistrationPolicy(confidential, OPEN);
    expect(confidential).to.include({ token_endpoint_auth_method: 'client_secret_post', client_secret: 'generated' });
    expect(() =>
      applyRegistrationPolicy(client({ token_endpoint_auth_method: 'client_secret_basic' }), OPEN, {
        kind: 'metadata_document',
      }),
    ).to.throw(errors.InvalidClientMetadata);
  });

  /** The RFC 7591 error code the policy answers with for `overrides`, or undefined. */
  function refusal(overrides: Record<string, unknown>): { error: string; description: string } | undefined {
    try {
      applyRegistrationPolicy(client(overrides as Partial<ClientMetadata>), OPEN);
      return undefined;
    } catch (err) {
      expect(err, JSON.stringify(overrides)).to.be.instanceOf(errors.OIDCProviderError);
      const { error, error_description: description } = err as { error: string; error_description: string };
      return { error, description };
    }
  }

  it('refuses each thing an operator alone may grant', () => {
    const refused: [Record<string, unknown>, string][] = [
      [{ token_endpoint_auth_method: 'client_secret_jwt' }, 'invalid_client_metadata'],
      [
        { grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:token-exchange'] },
        'invalid_client_metadata',
      ],
      [{ grant_types: ['refresh_token'] }, 'invalid_client_metadata'],
      [{ response_types: ['code id_token'] }, 'invalid_client_metadata'],
      [{ redirect_uris: ['https://*.example.com/cb'] }, 'invalid_redirect_uri'],
      [{ redirect_uris: ['http://agent.example.com/cb'] }, 'invalid_redirect_uri'],
      [{ post_logout_redirect_uris: ['http://agent.example.com/'] }, 'invalid_client_metadata'],
      [{ allowed_resources: ['https://payroll.internal'] }, 'invalid_client_metadata'],
      [{ first_party: true }, 'invalid_client_metadata'],
      [{ resource_scopes: {} }, 'invalid_client_metadata'],
      [{ may_act: { client_id: 'a' } }, 'invalid_client_metadata'],
      // a logout token would be posted there past the private-address guard
      [{ backchannel_logout_uri: 'http://10.0.0.5/internal' }, 'invalid_client_metadata'],
    ];
    for (const [overrides, error] of refused)
      expect(refusal(overrides)?.error, JSON.stringify(overrides)).to.equal(error);
  });

  it('says which redirect URI it refused and why', () => {
    expect(refusal({ redirect_uris: ['https://*.example.com/cb'] })?.description).to.equal(
      'redirect_uris: https://*.example.com/cb: wildcards are not allowed',
    );
  });

  it('refuses a field of the wrong JSON type by name before reading it (the library checks types later)', () => {
    const wrong: [string, unknown][] = [
      ['redirect_uris', [{}]],
      ['redirect_uris', 'https://agent.example.com/cb'],
      ['post_logout_redirect_uris', [1]],
      ['grant_types', 'authorization_code'],
      ['response_types', 'code'],
      ['allowed_resources', 'x'],
      ['allowed_resources', null],
      ['token_endpoint_auth_method', ['none']],
      ['application_type', {}],
      ['first_party', 'false'],
    ];
    for (const [field, value] of wrong) {
      const answer = refusal({ [field]: value });
      expect(answer?.description, `${field}: ${JSON.stringify(value)}`).to.match(new RegExp(`^${field} must be`));
      expect(answer?.error).to.equal(field === 'redirect_uris' ? 'invalid_redirect_uri' : 'invalid_client_metadata');
    }
  });
});
