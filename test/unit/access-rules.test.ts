import { expect } from 'chai';

import {
  checkName,
  computeAccess,
  groupsClaim,
  MAX_GROUPS_CLAIM,
  MAX_ROLES_CLAIM,
  rolesAt,
  scopesGrantedAt,
} from '../../provider/roles/access-rules.ts';

const API = 'https://orders.example';
const OTHER = 'https://billing.example';
const roles = [
  { resource: API, name: 'viewer', scopes: ['orders.read'] },
  { resource: API, name: 'admin', scopes: ['orders.write', 'orders.read'] },
  { resource: OTHER, name: 'clerk', scopes: ['billing.read'] },
];

describe('access rules (roles and groups)', () => {
  it("adds the parents of a user's groups and the roles of all of them", () => {
    const access = computeAccess({
      memberOf: ['ops-eu'],
      parents: new Map([['ops-eu', 'ops']]),
      assignments: [
        { resource: API, role: 'admin' },
        { resource: OTHER, role: 'clerk' },
      ],
      roles,
    });
    expect(access.groups).to.deep.equal(['ops', 'ops-eu']);
    expect(rolesAt(access, API)).to.deep.equal(['admin']);
    expect([...scopesGrantedAt(access, API)].sort()).to.deep.equal(['orders.read', 'orders.write']);
    expect(rolesAt(access, OTHER)).to.deep.equal(['clerk']);
    expect(rolesAt(access, 'https://nowhere.example')).to.deep.equal([]);
  });

  it('grants nothing for an assignment whose role was deleted, and counts a role once', () => {
    const access = computeAccess({
      memberOf: [],
      parents: new Map(),
      assignments: [
        { resource: API, role: 'gone' },
        { resource: API, role: 'viewer' },
        { resource: API, role: 'viewer' },
      ],
      roles,
    });
    expect(access.roles).to.deep.equal([{ resource: API, name: 'viewer', scopes: ['orders.read'] }]);
  });

  it('caps the claims, the same ones every time', () => {
    const many = Array.from({ length: 500 }, (_, i) => `g-${String(i).padStart(3, '0')}`);
    const access = computeAccess({ memberOf: [...many].reverse(), parents: new Map(), assignments: [], roles: [] });
    expect(groupsClaim(access)).to.have.length(MAX_GROUPS_CLAIM);
    expect(groupsClaim(access)[0]).to.equal('g-000');
    const manyRoles = Array.from({ length: 80 }, (_, i) => ({ resource: API, name: `r${i}`, scopes: [] }));
    const holder = computeAccess({
      memberOf: [],
      parents: new Map(),
      assignments: manyRoles.map((r) => ({ resource: API, role: r.name })),
      roles: manyRoles,
    });
    expect(rolesAt(holder, API)).to.have.length(MAX_ROLES_CLAIM);
  });

  it('takes short lower-case names only (they travel in headers)', () => {
    expect(checkName('group', 'ops-eu.1_a')).to.equal('ops-eu.1_a');
    for (const bad of ['', 'Ops', 'with space', 'a'.repeat(65), '-lead', 'ü'])
      expect(() => checkName('role', bad), bad).to.throw('role name');
  });
});
