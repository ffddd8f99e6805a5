import { expect } from 'chai';

import { detailItems } from '../../provider/admin/console/audit-details.ts';
import { utcText } from '../../provider/admin/console/audit-rows.ts';

describe("the audit page's presentation (pure)", () => {
  it('lists details as key: value, nested keys with dots, lists joined, the actor left to its column', () => {
    expect(
      detailItems({
        fields: ['client_name', 'redirect_uris'],
        window: { from: 3, to: 4 },
        suppressed: 12,
        by: { via: 'api', sub: 'acc-1', client: 'svc-1' },
      }),
    ).to.deep.equal([
      { key: 'fields', value: 'client_name, redirect_uris' },
      { key: 'window.from', value: '3' },
      { key: 'window.to', value: '4' },
      { key: 'suppressed', value: '12' },
      { key: 'via', value: 'api' },
      { key: 'client', value: 'svc-1' },
    ]);
    expect(detailItems(undefined)).to.deep.equal([]);
    expect(detailItems({ resources: [] })).to.deep.equal([{ key: 'resources', value: '—' }]);
  });

  it('keeps the list short: long values are cut and extra items counted', () => {
    const [long] = detailItems({ reason: 'x'.repeat(500) });
    expect(long!.value).to.have.length(120);
    const many = detailItems(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])));
    expect(many).to.have.length(13);
    expect(many.at(-1)).to.deep.equal({ key: '…', value: '8 more' });
  });

  it('writes an ISO instant as a readable UTC time', () => {
    expect(utcText('2026-12-05T09:08:33.120Z')).to.equal('2026-12-05 09:08:33 UTC');
  });
});
