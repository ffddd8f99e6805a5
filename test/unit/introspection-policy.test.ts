import { expect } from 'chai';
import { errors } from 'oidc-provider';

import { applyRegistrationPolicy } from '../../provider/clients/registration-policy.ts';
import { mayIntrospect } from '../../provider/tokens/introspection-policy.ts';

const API = 'https://orders.example';
const caller = (metadata: Record<string, unknown> = {}, authenticated = true) => ({
  clientId: 'caller',
  authenticated,
  metadata,
});
const access = (clientId: string, aud?: unknown) => ({ clientId, aud, refresh: false });

describe('introspection policy', () => {
  it('lets a client introspect its own tokens, public or not', () => {
    expect(mayIntrospect(caller({}, false), access('caller'))).to.equal(true);
    expect(mayIntrospect(caller(), { clientId: 'caller', aud: undefined, refresh: true })).to.equal(true);
  });

  it("refuses another client's tokens to a client without a permission", () => {
    expect(mayIntrospect(caller(), access('web', API))).to.equal(false);
    expect(mayIntrospect(caller(), access('web'))).to.equal(false);
  });

  it("lets an API's credentials introspect access tokens for that API only", () => {
    const api = caller({ resource_server_of: [API] });
    expect(mayIntrospect(api, access('web', API))).to.equal(true);
    expect(mayIntrospect(api, access('web', ['https://other.example', API]))).to.equal(true);
    expect(mayIntrospect(api, access('web', 'https://other.example'))).to.equal(false);
    expect(mayIntrospect(api, access('web'))).to.equal(false);
    expect(mayIntrospect(api, { clientId: 'web', aud: API, refresh: true })).to.equal(false);
  });

  it('lets a client with introspect_any introspect every token', () => {
    expect(
      mayIntrospect(caller({ introspect_any: true }), { clientId: 'web', aud: undefined, refresh: true }),
    ).to.equal(true);
    expect(mayIntrospect(caller({ introspect_any: 'yes' }), access('web'))).to.equal(false);
  });

  it('grants nothing beyond its own tokens to a client that did not authenticate', () => {
    expect(mayIntrospect(caller({ introspect_any: true }, false), access('web'))).to.equal(false);
    expect(mayIntrospect(caller({ resource_server_of: [API] }, false), access('web', API))).to.equal(false);
  });

  it('is not for self-registered clients to grant themselves', () => {
    const refusal = (extra: Record<string, unknown>) => {
      try {
        applyRegistrationPolicy({ client_id: 'x', redirect_uris: ['http://localhost:1/cb'], ...extra }, []);
        return undefined;
      } catch (err) {
        expect(err).to.be.instanceOf(errors.InvalidClientMetadata);
        return (err as { error_description?: string }).error_description;
      }
    };
    expect(refusal({ resource_server_of: [API] })).to.match(/resource_server_of/);
    expect(refusal({ introspect_any: true })).to.match(/introspect_any/);
    expect(refusal({ introspect_any: false })).to.equal(undefined);
  });
});
