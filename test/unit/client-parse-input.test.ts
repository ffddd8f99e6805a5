import { expect } from 'chai';

import { AdminProblem } from '../../provider/admin/admin-deps.ts';
import { parseInput } from '../../provider/admin/clients/parse-input.ts';
import { clientCreateSchema, initialTokenSchema } from '../../provider/admin/clients/schemas.ts';

describe("the client operations' input parsing", () => {
  it('gives back the parsed value, defaults filled in', () => {
    expect(parseInput(initialTokenSchema, {})).to.deep.equal({ expires_in: 86_400 });
    expect(parseInput(clientCreateSchema, { type: 'spa', id: 'app' })).to.deep.equal({ type: 'spa', id: 'app' });
  });

  it('refuses with an AdminProblem naming each field, as the door calls it', () => {
    const refusal = (() => {
      try {
        parseInput(initialTokenSchema, { expires_in: 5, uses: 0 }, (path) => `--${path}`);
      } catch (err) {
        return err;
      }
    })();
    expect(refusal).to.be.instanceOf(AdminProblem);
    expect((refusal as AdminProblem).status).to.equal(400);
    expect((refusal as AdminProblem).message).to.equal(
      '--expires_in must be 60 to 31536000 seconds; --uses must be 1 to 1000000',
    );
  });

  it('names the allowed client types', () => {
    expect(() => parseInput(clientCreateSchema, { type: 'robot' })).to.throw(/^type must be one of web, spa, native/);
  });
});
