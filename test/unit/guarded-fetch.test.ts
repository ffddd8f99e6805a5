import { expect } from 'chai';

import { guardedFetch, isSpecialUse } from '../../provider/upstream/guarded-fetch.ts';

describe('upstream requests: no detours into the internal network', () => {
  it('knows the special-use ranges, IPv4 and IPv6', () => {
    for (const address of [
      '10.1.2.3',
      '127.0.0.1',
      '169.254.169.254',
      '172.20.0.1',
      '192.168.1.1',
      '100.64.0.1',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:10.0.0.1',
    ])
      expect(isSpecialUse(address), address).to.equal(true);
    for (const address of ['8.8.8.8', '140.82.112.3', '2606:4700:4700::1111'])
      expect(isSpecialUse(address), address).to.equal(false);
  });

  it('refuses a host the operator did not name when it is internal, before any connection', async () => {
    const fetcher = guardedFetch(['login.example.com']);
    for (const url of [
      'http://169.254.169.254/latest',
      'http://10.0.0.5/token',
      'http://[::1]:8080/x',
      'http://localhost/x',
    ])
      await fetcher(url, {} as never).then(
        () => expect.fail(`${url} was fetched`),
        (err: Error) => expect(err.message, url).to.include('special-use address'),
      );
  });
});
