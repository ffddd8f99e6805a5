/** One line of an audit record's details, as the audit page lists them. */
export interface DetailItem {
  key: string;
  value: string;
}

const MAX_ITEMS = 12;
const MAX_VALUE = 120;

const short = (text: string) => (text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text);

function scalar(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.length ? value.map(scalar).join(', ') : '—';
  if (typeof value === 'object')
    return Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => `${key} ${scalar(inner)}`)
      .join(', ');
  return String(value);
}

function flatten(prefix: string, value: unknown, into: DetailItem[]): void {
  if (value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
    for (const [key, inner] of Object.entries(value as Record<string, unknown>))
      flatten(prefix ? `${prefix}.${key}` : key, inner, into);
    return;
  }
  into.push({ key: prefix, value: short(scalar(value instanceof Date ? value.toISOString() : value)) });
}

/**
 * An audit record's details as a short list of key: value, nested keys joined with dots. The
 * actor (`by.sub`) has its own column, so only how they acted (`via`, their client) stays here.
 *
 * @example detailItems({ fields: ['client_name'], by: { via: 'console', sub: 'acc-1' } })
 *   // [{ key: 'fields', value: 'client_name' }, { key: 'via', value: 'console' }]
 */
export function detailItems(details: Record<string, unknown> | undefined): DetailItem[] {
  if (!details) return [];
  const { by, ...rest } = details;
  const items: DetailItem[] = [];
  flatten('', rest, items);
  if (by && typeof by === 'object') {
    const { sub: _shownAsActor, ...how } = by as Record<string, unknown>;
    flatten('', how, items);
  } else if (by !== undefined) flatten('by', by, items);
  return items.length > MAX_ITEMS
    ? [...items.slice(0, MAX_ITEMS), { key: '…', value: `${items.length - MAX_ITEMS} more` }]
    : items;
}
