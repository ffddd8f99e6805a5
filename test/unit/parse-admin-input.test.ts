import { expect } from 'chai';

import { AdminProblem } from '../../provider/admin/admin-deps.ts';
import { parseAdminInput } from '../../provider/admin/parse-admin-input.ts';
import { resourceSaveSchema } from '../../provider/admin/resource-schemas.ts';

const api = { indicator: 'https://orders.example', name: 'Orders', scopes: ['orders:read'] };

describe("an admin operation's input, checked by its schema (pure)", () => {
  it('passes a valid input through', () => {
    expect(parseAdminInput(resourceSaveSchema, { ...api, access_token_ttl: 600 })).to.deep.equal({
      ...api,
      access_token_ttl: 600,
    });
  });

  it('refuses with a 400 problem naming each field and what is wrong', () => {
    const problem = (() => {
      try {
        parseAdminInput(resourceSaveSchema, { ...api, access_token_ttl: 59, scopes: ['a b'], extra: 1 });
      } catch (err) {
        return err;
      }
    })() as AdminProblem;
    expect(problem).to.be.instanceOf(AdminProblem);
    expect(problem.status).to.equal(400);
    expect(problem.message).to.include('access_token_ttl').and.include('scopes.0').and.include('extra');
  });
});
