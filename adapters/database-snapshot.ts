import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import mongoose, { type Connection } from 'mongoose';

const { EJSON } = mongoose.mongo.BSON;

/** Every collection's documents, in MongoDB Extended JSON (dates and other types survive). */
type Snapshot = Record<string, mongoose.mongo.Document[]>;

/** The collections of every model registered on the connection (all of them, once indexes exist). */
function collections(connection: Connection) {
  return Object.values(connection.models).map((model) => model.collection);
}

/**
 * Writes every collection to `file` as one Extended JSON document, atomically: a temporary
 * file is written and flushed, then renamed over the old one, so a crash mid-write leaves the
 * last good copy. For the embedded development database, which keeps nothing itself.
 */
export async function saveSnapshot(connection: Connection, file: string): Promise<number> {
  const snapshot: Snapshot = {};
  let documents = 0;
  for (const collection of collections(connection)) {
    const docs = await collection.find({}).toArray();
    if (docs.length === 0) continue;
    snapshot[collection.collectionName] = docs;
    documents += docs.length;
  }
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, EJSON.stringify(snapshot, { relaxed: false }), { mode: 0o600, flush: true });
  await rename(temporary, file);
  return documents;
}

/** Loads a snapshot written by saveSnapshot into an empty database; nothing when there is none. */
export async function restoreSnapshot(connection: Connection, file: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  const snapshot = EJSON.parse(text, { relaxed: false }) as Snapshot;
  let documents = 0;
  for (const collection of collections(connection)) {
    const docs = snapshot[collection.collectionName];
    if (!docs?.length) continue;
    await collection.insertMany(docs, { ordered: false });
    documents += docs.length;
  }
  return documents;
}
