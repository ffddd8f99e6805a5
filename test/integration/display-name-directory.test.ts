import { expect } from 'chai';

import { describeScope, saveResourceServer } from '../../provider/resources/resource-server-directory.ts';
import { addGroup } from '../../provider/roles/manage-groups.ts';
import { saveRole } from '../../provider/roles/manage-roles.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/**
 * API names and scope descriptions reach the consent screen through every door (admin API,
 * console, configuration file, CLI); the directory that stores them refuses what the admin API
 * schema refuses, so no door skips the check.
 */
describe('display names of APIs and scopes, whatever door they come through', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('display-name-directory');
  });
  after(() => server.stop());

  const indicator = 'https://names.example/api';

  it('refuses an API name with control, bidi-override or lone-surrogate characters', async () => {
    for (const name of ['Pay\u0000ments', 'Trusted\u202eppA', 'Half\ud83d']) {
      let thrown: unknown;
      try {
        await saveResourceServer(server.connection, { _id: indicator, name, scopes: ['read'] });
      } catch (err) {
        thrown = err;
      }
      expect(thrown, JSON.stringify(name)).to.be.instanceOf(TypeError);
    }
  });

  it('refuses such a scope description and keeps a fine one intact', async () => {
    await saveResourceServer(server.connection, { _id: indicator, name: 'Paiements 支払い 💳', scopes: ['read'] });
    let thrown: unknown;
    try {
      await describeScope(server.connection, indicator, 'read', 'Read \u202eyour files');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).to.be.instanceOf(TypeError);
    expect(await describeScope(server.connection, indicator, 'read', 'Lire vos données 📄')).to.equal(true);
  });

  it('refuses such a group or role description, and keeps a fine one', async () => {
    await saveResourceServer(server.connection, { _id: indicator, name: 'Names', scopes: ['read'] });
    for (const [index, description] of ['Staff\u0000', 'ffatS\u202e', 'Half\udc00'].entries()) {
      for (const save of [
        () => addGroup(server.connection, { name: `g${index}`, description }),
        () => saveRole(server.connection, { resource: indicator, name: `r${index}`, scopes: ['read'], description }),
      ]) {
        let thrown: unknown;
        try {
          await save();
        } catch (err) {
          thrown = err;
        }
        expect(thrown, JSON.stringify(description)).to.be.instanceOf(TypeError);
      }
    }
    await addGroup(server.connection, { name: 'fine', description: 'Équipe 支払い' });
    expect(
      await saveRole(server.connection, {
        resource: indicator,
        name: 'fine',
        scopes: ['read'],
        description: 'Lecteurs',
      }),
    ).to.equal('added');
  });
});
