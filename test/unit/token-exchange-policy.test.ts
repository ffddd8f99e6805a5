import { expect } from 'chai';
import { errors } from 'oidc-provider';

import { chooseScopes } from '../../provider/oidc/grants/token-exchange/choose-scopes.ts';
import { chooseTarget } from '../../provider/oidc/grants/token-exchange/choose-target.ts';
import { exchangePolicy, subjectRefusal } from '../../provider/oidc/grants/token-exchange/exchange-policy.ts';
import { mayActAllows } from '../../provider/oidc/grants/token-exchange/may-act.ts';

const ORDERS = 'https://orders.example';
const policy = { resources: [ORDERS], subjectAudiences: ['https://api.example'], actor: true };

describe('token exchange policy (pure rules)', () => {
  describe('chooseScopes', () => {
    const limits = { subject: ['orders:read', 'orders:write', 'email'], target: ['orders:read', 'orders:write'] };
    it('takes every subject scope the target allows when none is asked for', () => {
      expect(chooseScopes(undefined, limits)).to.deep.equal(['orders:read', 'orders:write']);
      expect(chooseScopes('  ', { ...limits, policy: ['orders:read'] })).to.deep.equal(['orders:read']);
    });
    it('narrows to what is asked, once each', () => {
      expect(chooseScopes('orders:read orders:read', limits)).to.deep.equal(['orders:read']);
    });
    it('never widens: a scope the subject lacks, the target lacks or the policy forbids is invalid_scope', () => {
      expect(() => chooseScopes('stock:read', limits)).to.throw(errors.InvalidScope);
      expect(() => chooseScopes('email', limits)).to.throw(errors.InvalidScope);
      expect(() => chooseScopes('orders:write', { ...limits, policy: ['orders:read'] })).to.throw(errors.InvalidScope);
      expect(() => chooseScopes(undefined, { subject: ['email'], target: ['orders:read'] })).to.throw(
        errors.InvalidScope,
      );
    });
  });

  describe('chooseTarget', () => {
    it('takes the one named target, or the only one the policy allows', () => {
      expect(chooseTarget(ORDERS, undefined, policy)).to.equal(ORDERS);
      expect(chooseTarget(undefined, ORDERS, policy)).to.equal(ORDERS);
      expect(chooseTarget([ORDERS], [ORDERS], policy)).to.equal(ORDERS);
      expect(chooseTarget(undefined, undefined, policy)).to.equal(ORDERS);
    });
    it('refuses two targets, an unlisted one, a fragment or a non-URI (invalid_target)', () => {
      for (const [resource, audience] of [
        [ORDERS, 'https://other.example'],
        ['https://other.example', undefined],
        [`${ORDERS}#x`, undefined],
        ['not a uri', undefined],
      ]) {
        expect(() => chooseTarget(resource, audience, policy), String(resource)).to.throw(errors.InvalidTarget);
      }
    });
    it('asks for a target when the policy allows several and none is named', () => {
      expect(() =>
        chooseTarget(undefined, undefined, { ...policy, resources: [ORDERS, 'https://b.example'] }),
      ).to.throw(errors.InvalidRequest);
    });
  });

  describe('subject policy', () => {
    it('reads subject_audiences and subject_clients from the metadata, none meaning none', () => {
      expect(exchangePolicy({ client_id: 'x', token_exchange: { resources: [ORDERS] } })).to.deep.include({
        subjectAudiences: [],
        subjectClients: undefined,
      });
      expect(exchangePolicy({ client_id: 'x' })).to.equal(undefined);
    });
    it('takes a subject token only for a listed audience and, if listed, client', () => {
      expect(subjectRefusal(policy, { audience: ['https://api.example'], clientId: 'web' })).to.equal(undefined);
      expect(subjectRefusal(policy, { audience: ['https://other.example'], clientId: 'web' })).to.include(
        'subject_audiences',
      );
      expect(
        subjectRefusal({ ...policy, subjectAudiences: [] }, { audience: ['https://api.example'], clientId: 'web' }),
      ).to.include('not set');
      expect(
        subjectRefusal({ ...policy, subjectClients: ['svc'] }, { audience: ['https://api.example'], clientId: 'web' }),
      ).to.include('subject_clients');
    });
  });

  describe('mayActAllows (RFC 8693 4.4)', () => {
    const actor = { sub: 'svc', client_id: 'svc' };
    it('allows anyone without may_act, and whoever matches every member with it', () => {
      expect(mayActAllows(undefined, actor)).to.equal(true);
      expect(mayActAllows({ client_id: 'svc' }, actor)).to.equal(true);
      expect(mayActAllows({ sub: 'svc', client_id: 'svc' }, actor)).to.equal(true);
    });
    it('refuses a mismatch and a malformed claim', () => {
      expect(mayActAllows({ client_id: 'gateway' }, actor)).to.equal(false);
      expect(mayActAllows({ sub: 'other', client_id: 'svc' }, actor)).to.equal(false);
      expect(mayActAllows('svc', actor)).to.equal(false);
      expect(mayActAllows(null, actor)).to.equal(false);
    });
  });
});
