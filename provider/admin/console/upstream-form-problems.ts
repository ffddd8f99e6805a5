/** The console's upstream form fields a problem can be shown next to. */
type UpstreamFormField =
  | 'type'
  | 'id'
  | 'name'
  | 'issuer'
  | 'api_url'
  | 'client_id'
  | 'client_secret'
  | 'scopes'
  | 'domains'
  | 'claim_email'
  | 'claim_email_verified'
  | 'claim_name'
  | 'claim_groups'
  | 'group_map'
  | 'mfa_acr_values';

/** One problem, in a sentence, and the field it belongs to (none: shown above the form). */
export interface UpstreamProblem {
  field?: UpstreamFormField;
  text: string;
}

/** The admin API's body names (upstreams/schemas.ts) as the form's fields. */
const FIELDS: Record<string, UpstreamFormField> = {
  type: 'type',
  id: 'id',
  name: 'name',
  issuer: 'issuer',
  api_url: 'api_url',
  client_id: 'client_id',
  client_secret: 'client_secret',
  scopes: 'scopes',
  domains: 'domains',
  'claims.email': 'claim_email',
  'claims.email_verified': 'claim_email_verified',
  'claims.name': 'claim_name',
  'claims.groups': 'claim_groups',
  group_map: 'group_map',
  mfa_acr_values: 'mfa_acr_values',
};

/**
 * The refusals of idp-settings.ts and manage-idps.ts (their wording is what the CLI and the API
 * print), by the field they are about; first match wins.
 */
const MESSAGES: [RegExp, UpstreamFormField][] = [
  [/^id must be|^an upstream ".*" exists already/, 'id'],
  [/^type must be/, 'type'],
  [/^client id is required/, 'client_id'],
  [/^the client secret is required/, 'client_secret'],
  [/^an OpenID Connect upstream needs its issuer|^issuer /, 'issuer'],
  [/^an API URL is only for GitHub|^API URL /, 'api_url'],
  [/^scope ".*" is not a scope|^the scopes of/, 'scopes'],
  [/is not a domain name$|^one of those domains/, 'domains'],
  [/^display name /, 'name'],
  [/^email claim /, 'claim_email'],
  [/^email_verified claim /, 'claim_email_verified'],
  [/^name claim /, 'claim_name'],
  [/^groups claim |^mapping groups needs the claim/, 'claim_groups'],
  [/^a group mapping is/, 'group_map'],
  [/^MFA acr values/, 'mfa_acr_values'],
];

const sentence = (text: string) => {
  const trimmed = text.trim();
  return `${trimmed.charAt(0).toUpperCase()}${trimmed.slice(1)}${/[.!?]$/.test(trimmed) ? '' : '.'}`;
};

/**
 * A refusal of the upstreams service (`AdminProblem.message`), next to the field it is about.
 *
 * @example upstreamProblemFromMessage('"bad" is not a domain name')
 *   // { field: 'domains', text: '"bad" is not a domain name.' }
 */
export function upstreamProblemFromMessage(message: string): UpstreamProblem {
  const rule = MESSAGES.find(([pattern]) => pattern.test(message));
  // The CLI's flag name means nothing on a form.
  const text = sentence(message.replace(/ \(--claim-groups\)/, ''));
  return rule ? { field: rule[1], text } : { text };
}

/**
 * An issue of the upstream schemas (which the form is parsed with): its field and zod's words.
 *
 * @example upstreamProblemFromIssue({ path: ['claims', 'email'], message: 'Too big' })
 *   // { field: 'claim_email', text: 'Too big.' }
 */
export function upstreamProblemFromIssue(issue: { path: readonly PropertyKey[]; message: string }): UpstreamProblem {
  const path = issue.path.filter((part) => typeof part === 'string').join('.');
  const field = FIELDS[path] ?? FIELDS[String(issue.path[0])];
  return field ? { field, text: sentence(issue.message) } : { text: sentence(issue.message) };
}

/** Problems by field (the first for each), and the ones that belong to no field. */
export function upstreamProblemsByField(problems: UpstreamProblem[]): {
  fields: Partial<Record<UpstreamFormField, string>>;
  general: string[];
} {
  const fields: Partial<Record<UpstreamFormField, string>> = {};
  const general: string[] = [];
  for (const { field, text } of problems) {
    if (!field) general.push(text);
    else fields[field] ??= text;
  }
  return { fields, general };
}
