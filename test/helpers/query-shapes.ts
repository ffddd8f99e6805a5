import mongoose from 'mongoose';

import { indexedModels } from '../../provider/ensure-indexes.ts';

/** One kind of query the code sent: which collection, which fields it filtered and sorted on. */
export interface QueryShape {
  collection: string;
  command: string;
  filter: string[];
  sort: string[];
}

const shapes = new Map<string, QueryShape>();

/** Field paths a filter constrains (operators' own keys left out); `$or` branches come back as alternatives. */
function filterPaths(filter: unknown): { fields: string[]; alternatives: string[][] } {
  const fields: string[] = [];
  const alternatives: string[][] = [];
  if (!filter || typeof filter !== 'object') return { fields, alternatives };
  for (const [key, value] of Object.entries(filter as Record<string, unknown>)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const part of value) {
        const inner = filterPaths(part);
        fields.push(...inner.fields);
        alternatives.push(...inner.alternatives);
      }
    } else if (key === '$or' && Array.isArray(value)) {
      for (const branch of value) alternatives.push(filterPaths(branch).fields);
    } else if (!key.startsWith('$')) fields.push(key);
  }
  return { fields, alternatives };
}

function note(collection: string, command: string, filter: unknown, sort: unknown): void {
  if (!collection || collection.startsWith('system.')) return;
  const { fields, alternatives } = filterPaths(filter);
  const sortKeys = sort && typeof sort === 'object' ? Object.keys(sort) : [];
  // An $or is served when each branch is (with the fields outside it).
  const variants = alternatives.length ? alternatives.map((branch) => [...fields, ...branch]) : [fields];
  for (const variant of variants) {
    const shape = { collection, command, filter: [...new Set(variant)].sort(), sort: sortKeys };
    shapes.set(JSON.stringify(shape), shape);
  }
}

function record(command: Record<string, unknown>, name: string): void {
  switch (name) {
    case 'find':
      note(String(command.find), name, command.filter, command.sort);
      return;
    case 'count':
      note(String(command.count), name, command.query, undefined);
      return;
    case 'distinct':
      note(String(command.distinct), name, command.query, undefined);
      return;
    case 'findAndModify':
      note(String(command.findAndModify), name, command.query, command.sort);
      return;
    case 'update':
      for (const u of (command.updates as { q: unknown }[]) ?? []) note(String(command.update), name, u.q, undefined);
      return;
    case 'delete':
      for (const d of (command.deletes as { q: unknown }[]) ?? []) note(String(command.delete), name, d.q, undefined);
      return;
    case 'aggregate': {
      const first = (command.pipeline as Record<string, unknown>[] | undefined)?.[0];
      note(String(command.aggregate), name, first?.$match, undefined);
      return;
    }
  }
}

/**
 * Records every query any MongoClient of this process sends (the driver's command monitoring,
 * on by default in this provider's connections), for the whole test run.
 */
let recording = false;

export function recordQueryShapes(): void {
  if (recording) return; // root hooks run once per file in parallel mode
  recording = true;
  const proto = mongoose.mongo.MongoClient.prototype as unknown as {
    emit: (event: string, ...args: unknown[]) => boolean;
  };
  const emit = proto.emit;
  proto.emit = function emitRecording(this: unknown, event: string, ...args: unknown[]) {
    if (event === 'commandStarted') {
      const started = args[0] as { commandName: string; command: Record<string, unknown>; databaseName: string };
      if (started.databaseName !== 'admin') record(started.command, started.commandName);
    }
    return emit.call(this, event, ...args);
  };
}

/** The index keys each collection declares (the _id index included), from the models themselves. */
export function declaredIndexes(): Map<string, string[][]> {
  const connection = mongoose.createConnection();
  const catalog = new Map<string, string[][]>();
  for (const model of indexedModels(connection)) {
    const keys = model.schema.indexes().map(([fields]) => Object.keys(fields));
    catalog.set(model.collection.collectionName, [['_id'], ...keys]);
  }
  return catalog;
}

/**
 * Whether an index serves the shape: its first key is a filtered field; with no filter, its
 * first key is the first sort key (or the query reads the whole collection on purpose: no sort).
 */
export function servedBy(shape: QueryShape, indexes: string[][]): boolean {
  if (shape.filter.length === 0) {
    if (shape.sort.length === 0) return true;
    return indexes.some((keys) => keys[0] === shape.sort[0]);
  }
  return indexes.some((keys) => shape.filter.includes(keys[0]!));
}

/**
 * Queries the tests themselves send to look at what the provider stored (they share its
 * connection, so the recorder sees them too). The provider never sends these; each names the
 * test that does. Anything else without an index fails the run.
 */
const TEST_INSPECTIONS = new Set([
  'identity_links: aggregate on {sub}', // upstream-idps-*.test.ts: countDocuments({ sub })
  'identity_links: find on {sub}', // upstream-idps-*.test.ts: find({ sub })
  'logout_deliveries: find on {clientId}', // backchannel-logout.test.ts: the queued delivery
  'mail_outbox: find on {to}', // forgot-password, admin-api tests: the mail sent
  'oidc_DeviceCode: update on {payload.clientId, payload.userCode}', // device-flow.test.ts: ages a code
  'role_assignments: aggregate on {subject}', // roles.test.ts: countDocuments({ subject })
]);

const describeShape = (shape: QueryShape) =>
  `${shape.collection}: ${shape.command} on {${shape.filter.join(', ')}}${shape.sort.length ? ` sorted by ${shape.sort.join(', ')}` : ''}`;

/** The recorded shapes no declared index serves, as lines naming them. */
export function unindexedQueries(): string[] {
  const catalog = declaredIndexes();
  const problems: string[] = [];
  for (const shape of shapes.values()) {
    if (TEST_INSPECTIONS.has(describeShape(shape))) continue;
    const indexes = catalog.get(shape.collection);
    if (!indexes) continue; // a test's own scratch collection
    if (!servedBy(shape, indexes)) problems.push(describeShape(shape));
  }
  return problems.sort();
}

export function recordedShapeCount(): number {
  return shapes.size;
}

/** The shapes recorded so far (a parallel worker hands them to the main process). */
export function recordedShapes(): QueryShape[] {
  return [...shapes.values()];
}

/** Shapes another process recorded, checked with this one's. */
export function addRecordedShapes(more: QueryShape[]): void {
  for (const shape of more) shapes.set(JSON.stringify(shape), shape);
}
