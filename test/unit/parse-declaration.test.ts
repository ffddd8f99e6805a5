import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { DeclarationError, parseDeclaration } from '../../provider/declarative/parse-declaration.ts';
import { secretResolver } from '../../provider/declarative/secret-reference.ts';

function problems(text: string): string[] {
  try {
    parseDeclaration(text, 'meshid.yaml');
  } catch (err) {
    if (err instanceof DeclarationError) return err.problems;
    throw err;
  }
  throw new Error('expected a DeclarationError');
}

describe('configuration file (MESHID_CONFIG): parsing with line-precise errors', () => {
  it('reads the example demo file', () => {
    const declaration = parseDeclaration(
      readFileSync(new URL('../../docs/examples/demo.yaml', import.meta.url), 'utf8'),
      'demo.yaml',
    );
    expect(declaration.clients.map((c) => c.id)).to.deep.equal([
      'demo-web-1',
      'demo-web-2',
      'demo-spa',
      'demo-device',
      'demo-service',
      'demo-exchanger',
    ]);
    expect(declaration.resources[0]!.scopeDescriptions).to.deep.equal({
      'orders:read': 'See your orders',
      'orders:write': 'Place and change orders for you',
    });
    expect(declaration.users[0]!.password).to.equal('generated');
  });

  it('reads JSON too, and an empty file as nothing declared', () => {
    expect(parseDeclaration('{"clients": []}', 'meshid.json')).to.deep.equal({
      resources: [],
      clients: [],
      users: [],
      groups: [],
    });
    expect(parseDeclaration('', 'meshid.yaml')).to.deep.equal({ resources: [], clients: [], users: [], groups: [] });
  });

  it('names the line and column of a syntax error', () => {
    expect(problems('clients:\n  - id: a\n    id: b\n    type: web\n')[0]).to.match(
      /^meshid\.yaml:3:5: Map keys must be unique/,
    );
  });

  it('refuses control, bidi-override and lone-surrogate characters in names, naming the path', () => {
    const found = problems(
      [
        'users:',
        '  - email: a@example.test',
        '    name: "Eve\\u202Egpj.exe"',
        '    password: generated',
        'groups:',
        '  - name: staff',
        '    description: "Nul\\u0000l"',
        'clients:',
        '  - id: spa',
        '    type: spa',
        '    name: "Half\\uD83D"',
      ].join('\n'),
    );
    expect(found.some((p) => p.includes('bidirectional override') && p.includes('(users.0.name)'))).to.equal(true);
    expect(found.some((p) => p.includes('control') && p.includes('(groups.0.description)'))).to.equal(true);
    expect(found.some((p) => p.includes('lone surrogates') && p.includes('(clients.0.name)'))).to.equal(true);
  });

  it('names the line of each problem of shape, with its path', () => {
    const found = problems(
      [
        'resources:',
        '  - indicator: not a uri', // line 2
        '    name: API',
        '    scopes: [a]',
        'clients:',
        '  - id: web-1', // line 6
        '    type: web',
        '    secret: s3cr3t', // line 8: inline
        '  - id: svc',
        '    type: robot', // line 10
        '    colour: blue', // line 11
      ].join('\n'),
    );
    expect(found).to.include('meshid.yaml:2:16: must be an absolute URI (resources.0.indicator)');
    expect(found.some((p) => p.startsWith('meshid.yaml:8:') && p.includes('never written in the file'))).to.equal(true);
    expect(found.some((p) => p.startsWith('meshid.yaml:10:') && p.includes('must be one of web, spa'))).to.equal(true);
    expect(found.some((p) => p.startsWith('meshid.yaml:11:') && p.includes('unknown key "colour"'))).to.equal(true);
  });

  it('refuses keys that only an object prototype has: __proto__, constructor, toString', () => {
    const found = problems(
      [
        'clients:',
        '  - id: svc',
        '    type: service',
        '    secret: generated',
        '    constructor: x', // line 5
        '    toString: y', // line 6
        '    __proto__: {}', // line 7
      ].join('\n'),
    );
    expect(found.some((p) => p.startsWith('meshid.yaml:5:') && p.includes('unknown key "constructor"'))).to.equal(true);
    expect(found.some((p) => p.startsWith('meshid.yaml:6:') && p.includes('unknown key "toString"'))).to.equal(true);
    expect(found.some((p) => p.startsWith('meshid.yaml:7:') && p.includes('unknown key "__proto__"'))).to.equal(true);
  });

  it('resolves { env: NAME } only from a variable that is set, never from an object prototype', () => {
    const resolve = secretResolver({ SET: 'value' });
    expect(resolve({ env: 'SET' }, 'client svc')).to.equal('value');
    for (const name of ['constructor', '__proto__', 'toString', 'UNSET'])
      expect(() => resolve({ env: name }, 'client svc')).to.throw(
        `client svc: the environment variable ${name} is not set`,
      );
  });

  it('reads { file: PATH } only from the secrets folder, symlinks and .. included, saying nothing outside', () => {
    const root = mkdtempSync(join(tmpdir(), 'meshid-secrets-'));
    try {
      const secrets = join(root, 'secrets');
      mkdirSync(secrets);
      writeFileSync(join(secrets, 'svc'), 'inside\n');
      writeFileSync(join(root, 'outside'), 'outside\n');
      symlinkSync(join(root, 'outside'), join(secrets, 'link'));
      const resolve = secretResolver({}, secrets);
      expect(resolve({ file: join(secrets, 'svc') }, 'client svc')).to.equal('inside');
      expect(resolve({ file: 'svc' }, 'client svc')).to.equal('inside');
      const refusals = [
        join(root, 'outside'),
        join(root, 'missing'),
        `${secrets}/../outside`,
        join(secrets, 'link'),
      ].map((file) => {
        try {
          resolve({ file }, 'client svc');
        } catch (err) {
          return (err as Error).message.replace(file, 'PATH');
        }
        throw new Error(`${file} was read`);
      });
      // one message for a file that exists and one that does not: nothing learnt about either
      expect(new Set(refusals).size).to.equal(1);
      expect(refusals[0]).to.include('client svc').and.include('MESHID_SECRETS_DIR');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses a confidential client without a secret, a public one with one, and duplicates', () => {
    const found = problems(
      [
        'clients:',
        '  - { id: a, type: service }',
        '  - { id: b, type: spa, secret: generated }',
        '  - { id: b, type: spa }',
      ].join('\n'),
    );
    expect(found.join('\n')).to.include('needs a secret').and.include('is public').and.include('declared twice');
  });
});
