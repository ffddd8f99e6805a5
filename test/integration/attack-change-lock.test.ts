import { expect } from 'chai';

import { changeLockModel } from '../../provider/admin/change-lock-model.ts';
import { withChangeLock } from '../../provider/admin/change-lock.ts';
import { useTestServer } from '../helpers/use-test-server.ts';

/**
 * A change lock lapses after LOCK_MS so that a crashed holder frees its resource; a holder that
 * was only slow must then not free the lock the next holder took in the meantime, or a third
 * change would run alongside the second.
 */
describe('attack: a slow holder of a change lock', function () {
  this.timeout(30_000);
  const t = useTestServer('attack-change-lock', { api: false, user: false });

  it("leaves the next holder's lock alone when its own lapsed and was taken", async () => {
    const Lock = () => changeLockModel(t.server.connection);
    await withChangeLock(t.server.connection, '/clients/slow', async () => {
      // Meanwhile the lock lapsed, and another instance cleared and took it (change-lock.ts's own steps).
      await Lock().updateOne({ _id: '/clients/slow' }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
      await Lock().deleteOne({ _id: '/clients/slow', expiresAt: { $lt: new Date() } });
      await Lock().insertMany([{ _id: '/clients/slow', expiresAt: new Date(Date.now() + 60_000) }]);
    });
    expect(await Lock().countDocuments({ _id: '/clients/slow' }), "the next holder's lock").to.equal(1);
    let ran = false;
    const third = withChangeLock(t.server.connection, '/clients/slow', async () => {
      ran = true;
    });
    const refused = await third.then(
      () => undefined,
      (err: Error) => err.message,
    );
    expect(refused).to.include('another change to this is in progress');
    expect(ran).to.equal(false);
  });
});
