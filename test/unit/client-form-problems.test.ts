import { expect } from 'chai';

import { clientCreateSchema, clientPatchSchema } from '../../provider/admin/clients/schemas.ts';
import {
  problemFromIssue,
  problemFromMessage,
  problemsByField,
} from '../../provider/admin/console/client-form-problems.ts';
import { redirectUriProblem } from '../../provider/clients/redirect-uri-policy.ts';

describe("the console's client form problems, in sentences", () => {
  it("turns oidc-provider's schema messages into advice next to the field", () => {
    expect(problemFromMessage('redirect_uris must contain members')).to.deep.equal({
      field: 'redirect_uris',
      text: 'Add at least one redirect URI.',
    });
    expect(problemFromMessage('redirect_uris must only contain web uris').field).to.equal('redirect_uris');
    expect(problemFromMessage('redirect_uris must not contain fragments').text).to.include('# part');
    expect(
      problemFromMessage(
        'redirect_uris for native clients using http as a protocol can only use loopback addresses as hostnames',
      ).text,
    ).to.include('127.0.0.1');
  });

  it("turns the redirect URI policy's refusals into sentences naming the URI", () => {
    for (const [uri, words] of [
      ['http://app.example/cb', 'use https://'],
      ['/cb', 'not a full address'],
      ['https://app.example/cb#x', '# part'],
      ['ftp://app.example/cb', 'must start with https://'],
    ] as const) {
      const problem = problemFromMessage(redirectUriProblem(uri, 'web')!);
      expect(problem.field, uri).to.equal('redirect_uris');
      expect(problem.text, uri).to.include(uri).and.include(words);
    }
  });

  it("turns the service's own refusals into sentences: a taken ID, an exchanger, the APIs", () => {
    expect(problemFromMessage('a client orders-app exists already')).to.deep.equal({
      field: 'id',
      text: 'A client with the ID orders-app exists already: choose another.',
    });
    expect(problemFromMessage('an exchanger needs the resources it may exchange tokens for').field).to.equal(
      'exchange_resources',
    );
    expect(
      problemFromMessage('an exchanger needs the APIs whose tokens it may take (subject audiences)').field,
    ).to.equal('exchange_subject_audiences');
    expect(problemFromMessage('backchannel_logout_uri must be a web uri')).to.deep.equal({
      field: 'backchannel_logout_uri',
      text: 'Write the back-channel logout URI as a full web address, like https://app.example/logout.',
    });
    expect(problemFromMessage('allowed_resources must be an array of absolute URIs').field).to.equal('resources');
  });

  it('keeps the words of a message it does not know, as a sentence, by the field it names', () => {
    expect(problemFromMessage('allowed_resources names an unknown API')).to.deep.equal({
      field: 'resources',
      text: 'Allowed_resources names an unknown API.',
    });
    expect(problemFromMessage('the database is busy')).to.deep.equal({ text: 'The database is busy.' });
  });

  it("turns the admin API schema's issues into sentences naming the wrong entry", () => {
    const body = { type: 'web', id: 'has a space', redirect_uris: ['https://ok.example/cb', 'not a url'] };
    const result = clientCreateSchema.safeParse(body);
    expect(result.success).to.equal(false);
    const problems = result.error!.issues.map((issue) => problemFromIssue(issue, body));
    const { fields, general } = problemsByField(problems);
    expect(general).to.deep.equal([]);
    expect(fields.id).to.include('without spaces');
    expect(fields.redirect_uris).to.equal(
      'not a url is not a full address: write it like https://app.example/callback.',
    );
    expect(problemFromIssue({ path: ['type'], code: 'invalid_value' }).text).to.equal('Choose the type of client.');
  });

  it('names the wrong entry of the Advanced fields: exchange lists, scopes per API', () => {
    const body = {
      type: 'exchanger',
      backchannel_logout_uri: 'logout',
      exchange: { resources: ['https://ok.example', 'db.internal'], scopes: [''] },
    };
    const result = clientCreateSchema.safeParse(body);
    const { fields, general } = problemsByField(result.error!.issues.map((issue) => problemFromIssue(issue, body)));
    expect(general).to.deep.equal([]);
    expect(fields.backchannel_logout_uri).to.include('full web address');
    expect(fields.exchange_resources).to.equal(
      'db.internal is not an API identifier: write it like https://api.example.',
    );
    expect(fields.exchange_scopes).to.include('at most 200 characters');

    const scopes = { resource_scopes: { 'api.example': ['a'], 'https://api.example': [''] } };
    const patched = clientPatchSchema.safeParse(scopes);
    const texts = patched.error!.issues.map((issue) => problemFromIssue(issue, scopes));
    expect(texts).to.deep.equal([
      {
        field: 'resource_scopes',
        text: 'api.example is not an API identifier: start each line with one, like https://api.example.',
      },
      { field: 'resource_scopes', text: 'Each API may name at most 50 scopes, each at most 200 characters.' },
    ]);
  });
});
