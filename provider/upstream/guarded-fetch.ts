import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

import type * as client from 'openid-client';

/** Addresses no upstream endpoint may be on unless the operator named that host: this network, loopback, link-local (cloud metadata), private and other special-use ranges. */
const SPECIAL_USE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  SPECIAL_USE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  SPECIAL_USE.addSubnet(network, prefix, 'ipv6');

export function isSpecialUse(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return SPECIAL_USE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * fetch for openid-client's requests to an upstream. The operator chose the upstream's own host
 * (it may be on an internal network); every other host an upstream's discovery document names
 * (token, JWKS, userinfo endpoints) must resolve to public addresses only, so a hostile or
 * compromised upstream cannot point this server at the internal network or a cloud metadata
 * service. (The check is made at lookup time; a DNS answer that changes between the lookup and
 * the connection is not covered.)
 */
export function guardedFetch(trustedHosts: readonly string[]): client.CustomFetch {
  const trusted = new Set(trustedHosts.map((host) => host.toLowerCase()));
  return async (url, options) => {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (!trusted.has(host)) {
      const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((entry) => entry.address);
      if (addresses.length === 0 || addresses.some(isSpecialUse))
        throw new Error(`refused: ${host} (named by the upstream) resolves to a special-use address`);
    }
    return fetch(url, options as RequestInit);
  };
}
