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

  it('refuses each thing an operator alone may grant', () => {
    const refused: [Partial<ClientMetadata>, typeof errors.InvalidClientMetadata | typeof errors.InvalidRedirectUri][] =
      [
        [{ token_endpoint_auth_method: 'client_secret_jwt' }, errors.InvalidClientMetadata],
        [
          { grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:token-exchange'] },
          errors.InvalidClientMetadata,
        ],
        [{ grant_types: ['refresh_token'] }, errors.InvalidClientMetadata],
        [{ response_types: ['code id_token'] }, errors.InvalidClientMetadata],
        [{ redirect_uris: ['https://*.example.com/cb'] }, errors.InvalidRedirectUri],
        [{ redirect_uris: ['http://agent.example.com/cb'] }, errors.InvalidRedirectUri],
        [{ allowed_resources: ['https://payroll.internal'] }, errors.InvalidClientMetadata],
        [{ first_party: true }, errors.InvalidClientMetadata],
        [{ resource_scopes: {} }, errors.InvalidClientMetadata],
        [{ may_act: { client_id: 'a' } }, errors.InvalidClientMetadata],
        // a logout token would be posted there past the private-address guard
        [{ backchannel_logout_uri: 'http://10.0.0.5/internal' }, errors.InvalidClientMetadata],
      ];
    for (const [overrides, error] of refused) {
      expect(() => applyRegistrationPolicy(client(overrides), OPEN), JSON.stringify(overrides)).to.throw(error);
    }
  });
});
