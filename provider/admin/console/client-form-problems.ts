/** The console's client form fields a problem can be shown next to. */
type ClientFormField =
  | 'type'
  | 'id'
  | 'name'
  | 'redirect_uris'
  | 'resources'
  | 'backchannel_logout_uri'
  | 'exchange_resources'
  | 'exchange_subject_audiences'
  | 'exchange_subject_clients'
  | 'exchange_scopes'
  | 'resource_server_of'
  | 'resource_scopes';

/** The fields of the forms' "Advanced" section: it opens when one of them has a problem. */
export const ADVANCED_FIELDS: readonly ClientFormField[] = [
  'backchannel_logout_uri',
  'exchange_resources',
  'exchange_subject_audiences',
  'exchange_subject_clients',
  'exchange_scopes',
  'resource_server_of',
  'resource_scopes',
];

/** One problem, in a sentence, and the field it belongs to (none: shown above the form). */
export interface FieldProblem {
  field?: ClientFormField;
  text: string;
}

const URL_EXAMPLE = 'like https://app.example/callback';
const LOOPBACK = '127.0.0.1, [::1] or localhost';

/** The admin API's body names, and oidc-provider's metadata names, as the console's fields. */
const FIELDS: Record<string, ClientFormField> = {
  type: 'type',
  id: 'id',
  client_id: 'id',
  name: 'name',
  client_name: 'name',
  redirect_uris: 'redirect_uris',
  resources: 'resources',
  allowed_resources: 'resources',
  backchannel_logout_uri: 'backchannel_logout_uri',
  resource_server_of: 'resource_server_of',
  resource_scopes: 'resource_scopes',
  // the create schema's `exchange` object, by its members (problemFromIssue)
  exchange_resources: 'exchange_resources',
  exchange_subject_audiences: 'exchange_subject_audiences',
  exchange_subject_clients: 'exchange_subject_clients',
  exchange_scopes: 'exchange_scopes',
};

/**
 * Rules of the admin service's refusals (oidc-provider's client schema, our redirect URI policy,
 * the client template, createClient), first match wins. Their wording is what the CLI and the
 * admin API print; the console turns it into advice for someone filling in a form.
 */
const MESSAGES: [RegExp, (m: RegExpExecArray) => FieldProblem][] = [
  [/^redirect_uris must contain members$/, () => ({ field: 'redirect_uris', text: 'Add at least one redirect URI.' })],
  [
    /^redirect_uris must only contain (valid|web) uris$/,
    () => ({ field: 'redirect_uris', text: `Write each redirect URI as a full web address, ${URL_EXAMPLE}.` }),
  ],
  [
    /^redirect_uris must not contain fragments$/,
    () => ({ field: 'redirect_uris', text: 'A redirect URI cannot have a # part.' }),
  ],
  [
    /^redirect_uris for native clients using http .*loopback/,
    () => ({ field: 'redirect_uris', text: `A native app may use http:// only on ${LOOPBACK}.` }),
  ],
  [
    /^(\S+) is not an absolute URI$/,
    (m) => ({ field: 'redirect_uris', text: `${m[1]} is not a full address: write it ${URL_EXAMPLE}.` }),
  ],
  [/^(\S+) must not have a fragment$/, (m) => ({ field: 'redirect_uris', text: `${m[1]} cannot have a # part.` })],
  [
    /^(\S+) uses http on a non-loopback host$/,
    (m) => ({
      field: 'redirect_uris',
      text: `${m[1]} uses http://: use https:// (plain http:// is allowed only on ${LOOPBACK}).`,
    }),
  ],
  [
    /^(\S+) uses a scheme that is not allowed$/,
    (m) => ({
      field: 'redirect_uris',
      text: `${m[1]} must start with https:// (only native apps may use their own scheme).`,
    }),
  ],
  [
    /^allowed_resources must be an array of absolute URIs$/,
    () => ({ field: 'resources', text: 'Write each API as its full identifier, like https://api.example.' }),
  ],
  [
    /^a client (.+) exists already$/,
    (m) => ({ field: 'id', text: `A client with the ID ${m[1]} exists already: choose another.` }),
  ],
  [
    /^backchannel_logout_uri must be a web uri$/,
    () => ({
      field: 'backchannel_logout_uri',
      text: 'Write the back-channel logout URI as a full web address, like https://app.example/logout.',
    }),
  ],
  [
    /^an exchanger needs the resources /,
    () => ({ field: 'exchange_resources', text: 'An exchanger needs at least one target it may exchange tokens for.' }),
  ],
  [
    /^an exchanger needs the APIs /,
    () => ({
      field: 'exchange_subject_audiences',
      text: 'An exchanger needs at least one API whose tokens it may take.',
    }),
  ],
  [/^--type must be one of /, () => ({ field: 'type', text: 'Choose the type of client.' })],
];

const sentence = (text: string) => {
  const trimmed = text.trim();
  return `${trimmed.charAt(0).toUpperCase()}${trimmed.slice(1)}${/[.!?]$/.test(trimmed) ? '' : '.'}`;
};

/**
 * A refusal of the admin service (`AdminProblem.message`), for the console's client forms. An
 * unknown message keeps its words, next to the field it names when it starts with one.
 *
 * @example problemFromMessage('redirect_uris must contain members')
 *   // { field: 'redirect_uris', text: 'Add at least one redirect URI.' }
 */
export function problemFromMessage(message: string): FieldProblem {
  for (const [pattern, make] of MESSAGES) {
    const match = pattern.exec(message);
    if (match) return make(match);
  }
  const named = FIELDS[/^[a-z_]+/.exec(message)?.[0] ?? ''];
  return named ? { field: named, text: sentence(message) } : { text: sentence(message) };
}

/**
 * An issue of the client schemas (admin/clients/schemas.ts, which the console parses its forms
 * with too). `values` is what was parsed: the sentence names the entry that is wrong.
 *
 * @example problemFromIssue({ path: ['redirect_uris', 1], code: 'invalid_format' }, { redirect_uris: ['https://a.example', 'nope'] })
 *   // { field: 'redirect_uris', text: 'nope is not a full address: write it like https://app.example/callback.' }
 */
export function problemFromIssue(
  issue: { path: readonly PropertyKey[]; code: string },
  values: Record<string, unknown> = {},
): FieldProblem {
  // The create schema's `exchange` object: ['exchange', 'resources', 0] is exchange_resources' first line.
  const nested = issue.path[0] === 'exchange';
  const [name, index] = nested ? [`exchange_${String(issue.path[1])}`, issue.path[2]] : issue.path;
  const field = FIELDS[String(name)];
  const list = nested
    ? (values.exchange as Record<string, unknown> | undefined)?.[String(issue.path[1])]
    : values[String(name)];
  const entry = typeof index === 'number' ? (list as unknown[] | undefined)?.[index] : undefined;
  switch (field) {
    case 'id':
      return { field, text: 'A client ID is 1 to 200 letters, digits or punctuation marks, without spaces.' };
    case 'name':
      return { field, text: 'A name is at most 200 characters.' };
    case 'type':
      return { field, text: 'Choose the type of client.' };
    case 'redirect_uris':
      return entry === undefined
        ? { field, text: 'A client has at most 50 redirect URIs.' }
        : { field, text: `${String(entry)} is not a full address: write it ${URL_EXAMPLE}.` };
    case 'resources':
      return entry === undefined
        ? { field, text: 'A client may call at most 50 APIs.' }
        : { field, text: `${String(entry)} is not an API identifier: write it like https://api.example.` };
    case 'backchannel_logout_uri':
      return {
        field,
        text: `Write the back-channel logout URI as a full web address, like https://app.example/logout.`,
      };
    case 'exchange_resources':
    case 'exchange_subject_audiences':
    case 'resource_server_of':
      return entry === undefined
        ? { field, text: 'At most 50 APIs, one per line.' }
        : { field, text: `${String(entry)} is not an API identifier: write it like https://api.example.` };
    case 'exchange_subject_clients':
    case 'exchange_scopes':
      return { field, text: 'At most 50 entries, each at most 200 characters.' };
    case 'resource_scopes':
      // ['resource_scopes', indicator] is a wrong indicator; one more step, a wrong scope.
      return typeof index === 'string' && issue.path.length === 2
        ? { field, text: `${index} is not an API identifier: start each line with one, like https://api.example.` }
        : { field, text: 'Each API may name at most 50 scopes, each at most 200 characters.' };
    default:
      return { text: 'Something in the form is not right: check every field.' };
  }
}

/** Problems by field (the first for each), and the ones that belong to no field. */
export function problemsByField(problems: FieldProblem[]): {
  fields: Partial<Record<ClientFormField, string>>;
  general: string[];
} {
  const fields: Partial<Record<ClientFormField, string>> = {};
  const general: string[] = [];
  for (const { field, text } of problems) {
    if (!field) general.push(text);
    else fields[field] ??= text;
  }
  return { fields, general };
}
