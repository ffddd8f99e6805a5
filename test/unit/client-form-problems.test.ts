import { expect } from 'chai';

import { clientCreateSchema } from '../../provider/admin/clients/schemas.ts';
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
    expect(problemFromMessage('an exchanger needs the resources it may exchange tokens for').field).to.equal('type');
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
});
