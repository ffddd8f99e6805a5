import { expect } from 'chai';

import { adminApiIndicator } from '../../provider/admin/admin-api-resource.ts';
import { addGroup } from '../../provider/roles/manage-groups.ts';
import { saveRole, grantRole } from '../../provider/roles/manage-roles.ts';
import { identityLinkModel } from '../../provider/upstream/identity-link-model.ts';
import { createLink } from '../../provider/upstream/identity-links.ts';
import { idpModel } from '../../provider/upstream/idp-model.ts';
import { addIdp } from '../../provider/upstream/manage-idps.ts';
import { addServiceClient, basicAuth } from '../helpers/fixtures.ts';
import { useTestServer } from '../helpers/use-test-server.ts';

const KEK = Buffer.alloc(32, 41).toString('base64');
const LEGIT = 'https://login.corp.example';
const EVIL = 'https://login.evil.example';
const SECRET = 'the-corp-upstream-secret-0123456789';

/**
 * An upstream's links are keyed by (upstream id, upstream sub), not by its issuer
 * (upstream/identity-links.ts findLink). A caller who may only manage upstreams (admin:idps)
 * and points an upstream with linked accounts at an issuer of its own would sign in as every
 * linked account (its issuer says sub "boss", the link says "the victim"), and the sealed client
 * secret would be sent to that issuer's token endpoint at the next sign-in.
 */
describe('attack: an upstream manager (admin:idps only) reaching accounts', function () {
  this.timeout(60_000);
  const t = useTestServer('attack-upstream-issuer', { env: { KEY_ENCRYPTION_KEY: KEK } });
  let token: string;

  /** A service holding only an upstream-manager role: admin:idps, nothing about users. */
  async function idpsOnlyToken(): Promise<string> {
    const indicator = adminApiIndicator(t.server.issuer);
    await saveRole(t.server.connection, { resource: indicator, name: 'idp-manager', scopes: ['admin:idps'] });
    const robot = await addServiceClient(t.server, { allowed_resources: [indicator] });
    await grantRole(t.server.connection, { kind: 'client', subject: robot.clientId }, indicator, 'idp-manager');
    const response = await fetch(`${t.server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(robot) },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: indicator, scope: 'admin:idps' }),
    });
    const body = (await response.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(JSON.stringify(body));
    return body.access_token;
  }

  async function api(method: string, path: string, body?: unknown, ifMatch?: string) {
    const response = await fetch(`${t.server.issuer}/admin/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(ifMatch ? { 'if-match': ifMatch } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, etag: response.headers.get('etag') ?? '', text: await response.text() };
  }

  async function patch(id: string, body: unknown) {
    const read = await api('GET', `/idps/${id}`);
    return api('PATCH', `/idps/${id}`, body, read.etag);
  }

  const add = (id: string) =>
    api('POST', '/idps', { id, type: 'oidc', issuer: LEGIT, client_id: 'meshid', client_secret: SECRET });

  before(async () => {
    token = await idpsOnlyToken();
  });

  it('refuses a new issuer for an upstream accounts are linked to, with or without a new secret', async () => {
    expect((await add('corp')).status).to.equal(201);
    await createLink(t.server.connection, { idp: 'corp', iss: LEGIT, sub: 'boss' }, t.user.id);
    const sealed = (await idpModel(t.server.connection).findById('corp').lean())!.sealedClientSecret;

    const keepSecret = await patch('corp', { issuer: EVIL });
    expect(keepSecret.status, keepSecret.text).to.equal(400);
    const withSecret = await patch('corp', { issuer: EVIL, client_secret: 'the-attackers-own-secret' });
    expect(withSecret.status, withSecret.text).to.equal(400);

    const stored = (await idpModel(t.server.connection).findById('corp').lean())!;
    expect(stored.issuer).to.equal(LEGIT);
    expect(stored.sealedClientSecret).to.equal(sealed);
    expect(await identityLinkModel(t.server.connection).countDocuments({ idp: 'corp', accountId: t.user.id })).to.equal(
      1,
    );
  });

  it('does not send the sealed secret to a new issuer: a new issuer needs the secret again', async () => {
    expect((await add('unlinked')).status).to.equal(201);
    const keepSecret = await patch('unlinked', { issuer: EVIL });
    expect(keepSecret.status, keepSecret.text).to.equal(400);
    expect((await idpModel(t.server.connection).findById('unlinked').lean())!.issuer).to.equal(LEGIT);
    // A typo fixed before anyone linked, with the secret given again, is still a change an admin makes.
    const fixed = await patch('unlinked', { issuer: 'https://login2.corp.example', client_secret: SECRET });
    expect(fixed.status, fixed.text).to.equal(200);
  });

  /*
   * An upstream's group mapping puts whoever it vouches for into local groups at each sign-in. An
   * upstream manager adding one of its own (provisioning) with a mapping into a group that holds
   * roles (the admin API's admin role, say) would make an account of its own a member: mapping into
   * groups is a change of who holds roles, admin:roles's to make.
   */
  it('refuses a group mapping from a caller that may not change groups (admin:roles)', async () => {
    const indicator = adminApiIndicator(t.server.issuer);
    await addGroup(t.server.connection, { name: 'operators' });
    await grantRole(t.server.connection, { kind: 'group', subject: 'operators' }, indicator, 'admin');
    const mapping = { claims: { groups: 'groups' }, group_map: [{ upstream: 'anyone', local: 'operators' }] };
    const added = await api('POST', '/idps', {
      id: 'own',
      type: 'oidc',
      issuer: EVIL,
      client_id: 'meshid',
      client_secret: SECRET,
      provision: true,
      ...mapping,
    });
    expect(added.status, added.text).to.equal(403);
    expect((await add('plain')).status).to.equal(201);
    const patched = await patch('plain', mapping);
    expect(patched.status, patched.text).to.equal(403);
    expect((await idpModel(t.server.connection).findById('plain').lean())!.groupMap ?? []).to.deep.equal([]);
  });

  it('refuses repointing an upstream that maps groups, without admin:roles, even before anyone linked', async () => {
    await addGroup(t.server.connection, { name: 'mapped-operators' });
    await grantRole(
      t.server.connection,
      { kind: 'group', subject: 'mapped-operators' },
      adminApiIndicator(t.server.issuer),
      'admin',
    );
    await addIdp(t.server.connection, Buffer.from(KEK, 'base64'), {
      id: 'mapping',
      type: 'oidc',
      issuer: LEGIT,
      clientId: 'meshid',
      clientSecret: SECRET,
      provision: true,
      claims: { groups: 'groups' },
      groupMap: [{ upstream: 'ops', local: 'mapped-operators' }],
    });
    const repointed = await patch('mapping', { issuer: EVIL, client_secret: 'the-attackers-own-secret' });
    expect(repointed.status, repointed.text).to.equal(403);
    expect((await idpModel(t.server.connection).findById('mapping').lean())!.issuer).to.equal(LEGIT);
  });
});
