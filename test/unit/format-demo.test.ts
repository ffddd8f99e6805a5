import { expect } from 'chai';

import { formatDemo } from '../../provider/demo/format-demo.ts';
import type { DemoSeed } from '../../provider/demo/seed-demo.ts';

const SEED: DemoSeed = {
  user: { email: 'demo@example.com', password: 'pw' },
  clients: [],
  api: { indicator: 'https://api.example', scopes: ['orders:read'] },
  internalApi: { indicator: 'https://internal.example', scopes: ['orders:read'] },
};

describe('the demo banner', () => {
  it('says where mailed codes and links are read when mail is kept for /dev/mail', () => {
    const banner = formatDemo('http://localhost:3000', SEED, { mailPage: true });
    const line = banner.split('\n').find((l) => l.includes('http://localhost:3000/dev/mail'));
    expect(line).to.match(/codes/).and.match(/links/);
  });

  it('does not point to /dev/mail where mail is sent for real', () => {
    expect(formatDemo('http://localhost:3000', SEED)).not.to.include('/dev/mail');
  });
});
