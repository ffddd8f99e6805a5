import { expect } from 'chai';

import { adminApiIndicator } from '../../provider/admin/admin-api-resource.ts';
import { changeLockModel } from '../../provider/admin/change-lock-model.ts';
import { grantRole } from '../../provider/roles/manage-roles.ts';
import { addServiceClient, basicAuth } from '../helpers/fixtures.ts';
import { useTestServer } from '../helpers/use-test-server.ts';

/**
 * A PATCH of a client reads its stored metadata (the secret's hash with it) and saves it back
 * under the client's change lock. A secret rotation that does not take that lock can land in
 * between: the administrator is shown a new secret, and the PATCH then writes the old one back,
 * so the leaked secret works again and the new one does not.
 */
describe('attack: rotating a client secret during another change to it', function () {
  this.timeout(60_000);
  const t = useTestServer('attack-secret-rotation');
  let token: string;

  before(async () => {
    const indicator = adminApiIndicator(t.server.issuer);
    const robot = await addServiceClient(t.server, { allowed_resources: [indicator] });
    await grantRole(t.server.connection, { kind: 'client', subject: robot.clientId }, indicator, 'admin');
    const response = await fetch(`${t.server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(robot) },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: indicator, scope: 'admin:clients' }),
    });
    token = ((await response.json()) as { access_token: string }).access_token;
  });

  it('refuses a rotation (409) while another change to the client holds its lock', async () => {
    const target = await addServiceClient(t.server);
    // A PATCH of this client in progress, on this or another instance.
    await changeLockModel(t.server.connection).insertMany([
      { _id: `/clients/${target.clientId}`, expiresAt: new Date(Date.now() + 60_000) },
    ]);
    const rotated = await fetch(`${t.server.issuer}/admin/api/v1/clients/${target.clientId}/secret`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(rotated.status, await rotated.text()).to.equal(409);
    await changeLockModel(t.server.connection).deleteOne({ _id: `/clients/${target.clientId}` });
    const after = await fetch(`${t.server.issuer}/admin/api/v1/clients/${target.clientId}/secret`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(after.status).to.equal(200);
  });
});
