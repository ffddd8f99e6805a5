import { accessTokenTtlSchema } from '../admin/resource-schemas.ts';
import { CLIENT_TYPES, type ClientType } from '../clients/client-template.ts';
import { displayNameProblem } from '../security/display-name.ts';

/** A secret named by reference, never written in the file itself. */
export type SecretReference = { env: string } | { file: string } | 'generated';

export interface DeclaredResource {
  indicator: string;
  name: string;
  scopes: string[];
  /** scope → what it lets an application do (the consent screen's words) */
  scopeDescriptions?: Record<string, string>;
  accessTokenTtl?: number;
  /** roles: scopes only through roles; open (default): as each client allows */
  scopeAccess?: 'open' | 'roles';
  groupsClaim?: boolean;
  roles?: DeclaredRole[];
}

interface DeclaredRole {
  name: string;
  /** scopes of this API the role grants */
  scopes: string[];
  description?: string;
}

/** A role of an API held by a user, group or client. */
export interface RoleReference {
  resource: string;
  role: string;
}

interface DeclaredGroup {
  name: string;
  parent?: string;
  description?: string;
  /** emails of members */
  members?: string[];
  roles?: RoleReference[];
}

export interface DeclaredClient {
  id: string;
  type: ClientType;
  name?: string;
  secret?: SecretReference;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  resources?: string[];
  firstParty?: boolean;
  requireMfa?: boolean;
  requirePasskey?: boolean;
  requireVerifiedEmail?: boolean;
  requirePar?: boolean;
  requireDpop?: boolean;
  /** the APIs it is the credentials of: it may introspect their tokens */
  resourceServerOf?: string[];
  /** it may introspect every token */
  introspectAny?: boolean;
  exchange?: {
    resources: string[];
    subjectAudiences: string[];
    subjectClients?: string[];
    scopes?: string[];
    actor?: boolean;
  };
  roles?: RoleReference[];
}

interface DeclaredUser {
  email: string;
  name?: string;
  /** the first password only: an existing account's password is never changed by the file */
  password: SecretReference;
  roles?: RoleReference[];
}

/** What a configuration file (MESHID_CONFIG) declares. */
export interface Declaration {
  resources: DeclaredResource[];
  clients: DeclaredClient[];
  users: DeclaredUser[];
  groups: DeclaredGroup[];
}

export interface Problem {
  /** where in the document: keys and list positions */
  path: (string | number)[];
  message: string;
}

type Check = (value: unknown, path: (string | number)[], problems: Problem[]) => void;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function object(fields: Record<string, { check: Check; required?: boolean }>): Check {
  return (value, path, problems) => {
    if (!isObject(value)) return void problems.push({ path, message: 'must be a mapping (key: value)' });
    for (const key of Object.keys(value)) {
      // own keys only: `in` would let __proto__, constructor or toString through unnoticed
      if (!Object.hasOwn(fields, key))
        problems.push({
          path: [...path, key],
          message: `unknown key "${key}" (allowed: ${Object.keys(fields).join(', ')})`,
        });
    }
    for (const [key, field] of Object.entries(fields)) {
      if (value[key] === undefined) {
        if (field.required) problems.push({ path, message: `"${key}" is required` });
      } else field.check(value[key], [...path, key], problems);
    }
  };
}

const list =
  (item: Check): Check =>
  (value, path, problems) => {
    if (!Array.isArray(value)) return void problems.push({ path, message: 'must be a list' });
    for (const [index, entry] of value.entries()) item(entry, [...path, index], problems);
  };

const text: Check = (value, path, problems) => {
  if (typeof value !== 'string' || value.trim() === '') problems.push({ path, message: 'must be a non-empty text' });
};
/** Text people read (names, descriptions): the shared display-name check, with the path. */
const displayText: Check = (value, path, problems) => {
  text(value, path, problems);
  const problem = typeof value === 'string' ? displayNameProblem(value) : undefined;
  if (problem) problems.push({ path, message: problem });
};
const flag: Check = (value, path, problems) => {
  if (typeof value !== 'boolean') problems.push({ path, message: 'must be true or false' });
};
const absoluteUri: Check = (value, path, problems) => {
  if (typeof value !== 'string' || !URL.canParse(value)) problems.push({ path, message: 'must be an absolute URI' });
};
/** An API's access-token lifetime: the admin service's range (resource-schemas.ts), said here in the file's words. */
const accessTokenTtl: Check = (value, path, problems) => {
  if (!accessTokenTtlSchema.safeParse(value).success)
    problems.push({
      path,
      message: `must be a whole number of seconds from ${accessTokenTtlSchema.minValue} to ${accessTokenTtlSchema.maxValue}`,
    });
};
const oneOf =
  (allowed: readonly string[]): Check =>
  (value, path, problems) => {
    if (typeof value !== 'string' || !allowed.includes(value))
      problems.push({ path, message: `must be one of ${allowed.join(', ')}` });
  };
const textMap: Check = (value, path, problems) => {
  if (!isObject(value)) return void problems.push({ path, message: 'must be a mapping of scope: description' });
  for (const [key, entry] of Object.entries(value)) displayText(entry, [...path, key], problems);
};
const secretReference: Check = (value, path, problems) => {
  if (value === 'generated') return;
  if (typeof value === 'string')
    return void problems.push({
      path,
      message: 'a secret is never written in the file: use { env: NAME }, { file: PATH } or generated',
    });
  object({ env: { check: text }, file: { check: text } })(value, path, problems);
  if (isObject(value) && (value.env === undefined) === (value.file === undefined))
    problems.push({ path, message: 'give exactly one of env or file' });
};

const roleReference = object({
  resource: { check: absoluteUri, required: true },
  role: { check: text, required: true },
});

const resource = object({
  indicator: { check: absoluteUri, required: true },
  name: { check: displayText, required: true },
  scopes: { check: list(text), required: true },
  scopeDescriptions: { check: textMap },
  accessTokenTtl: { check: accessTokenTtl },
  scopeAccess: { check: oneOf(['open', 'roles']) },
  groupsClaim: { check: flag },
  roles: {
    check: list(
      object({
        name: { check: text, required: true },
        scopes: { check: list(text), required: true },
        description: { check: displayText },
      }),
    ),
  },
});

const group = object({
  name: { check: text, required: true },
  parent: { check: text },
  description: { check: displayText },
  members: { check: list(text) },
  roles: { check: list(roleReference) },
});

const client = object({
  id: { check: text, required: true },
  type: { check: oneOf(CLIENT_TYPES), required: true },
  name: { check: displayText },
  secret: { check: secretReference },
  redirectUris: { check: list(absoluteUri) },
  postLogoutRedirectUris: { check: list(absoluteUri) },
  resources: { check: list(absoluteUri) },
  firstParty: { check: flag },
  requireMfa: { check: flag },
  requirePasskey: { check: flag },
  requireVerifiedEmail: { check: flag },
  requirePar: { check: flag },
  requireDpop: { check: flag },
  resourceServerOf: { check: list(absoluteUri) },
  introspectAny: { check: flag },
  exchange: {
    check: object({
      resources: { check: list(absoluteUri), required: true },
      subjectAudiences: { check: list(absoluteUri), required: true },
      subjectClients: { check: list(text) },
      scopes: { check: list(text) },
      actor: { check: flag },
    }),
  },
  roles: { check: list(roleReference) },
});

const user = object({
  email: { check: text, required: true },
  name: { check: displayText },
  password: { check: secretReference, required: true },
  roles: { check: list(roleReference) },
});

const document = object({
  resources: { check: list(resource) },
  clients: { check: list(client) },
  users: { check: list(user) },
  groups: { check: list(group) },
});

/** Checks a parsed document against the declaration's shape; every problem with its path. */
export function declarationProblems(value: unknown): Problem[] {
  const problems: Problem[] = [];
  document(value ?? {}, [], problems);
  if (problems.length === 0 && isObject(value)) {
    const clients = (value.clients ?? []) as DeclaredClient[];
    clients.forEach((entry, index) => {
      const confidential = entry.type === 'web' || entry.type === 'service' || entry.type === 'exchanger';
      if (confidential && entry.secret === undefined)
        problems.push({
          path: ['clients', index],
          message: `a ${entry.type} client needs a secret (a reference, or generated)`,
        });
      if (!confidential && entry.secret !== undefined)
        problems.push({
          path: ['clients', index, 'secret'],
          message: `a ${entry.type} client is public: it has no secret`,
        });
      if (entry.type === 'exchanger' && !entry.exchange)
        problems.push({
          path: ['clients', index],
          message: 'an exchanger needs exchange: { resources, subjectAudiences }',
        });
    });
    for (const kind of ['resources', 'clients', 'users', 'groups'] as const) {
      const key = { resources: 'indicator', clients: 'id', users: 'email', groups: 'name' }[kind];
      const seen = new Set<string>();
      ((value[kind] ?? []) as Record<string, string>[]).forEach((entry, index) => {
        if (seen.has(entry[key]!))
          problems.push({ path: [kind, index, key], message: `"${entry[key]}" is declared twice` });
        seen.add(entry[key]!);
      });
    }
  }
  return problems;
}

/** A checked document as a declaration (empty lists for what it leaves out). */
export function asDeclaration(value: unknown): Declaration {
  const raw = (value ?? {}) as Partial<Declaration>;
  return {
    resources: raw.resources ?? [],
    clients: raw.clients ?? [],
    users: raw.users ?? [],
    groups: raw.groups ?? [],
  };
}
