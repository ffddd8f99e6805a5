import { type Connection, Schema } from 'mongoose';

/** One small document whose version moves on every write to a client, whoever makes it. */
interface ChangeMarker {
  _id: string;
  version: number;
}

const MARKER_ID = 'clients';
const schema = new Schema<ChangeMarker>(
  { _id: { type: String, required: true }, version: { type: Number, required: true } },
  { versionKey: false, collection: 'change_markers' },
);

function markerModel(connection: Connection) {
  return connection.models.ChangeMarker ?? connection.model<ChangeMarker>('ChangeMarker', schema);
}

/**
 * Whether cached client answers may still be used. `generation` moves at once when a client is
 * written through this process and, through `poll` (one small read every CLIENT_CHANGE_SECONDS),
 * when another instance or the admin command wrote one. Caches keep the generation they read at
 * and drop answers from an older one: no change feed needed, so it works on any MongoDB.
 */
export class ClientChanges {
  readonly #connection: Connection;
  #generation = 0;
  #seen: number | undefined;

  constructor(connection: Connection) {
    this.#connection = connection;
  }

  get generation(): number {
    return this.#generation;
  }

  /** After a client write: forget here at once, and move the marker for every other instance. */
  async changed(): Promise<void> {
    this.#generation++;
    await markerModel(this.#connection).updateOne({ _id: MARKER_ID }, { $inc: { version: 1 } }, { upsert: true });
    // Again after the write: an answer read while it was under way must not outlive it.
    this.#generation++;
  }

  /** Reads the marker; when it moved (or on the first read) cached answers are dropped. */
  async poll(): Promise<void> {
    const marker = await markerModel(this.#connection).findById(MARKER_ID).lean<ChangeMarker>();
    const version = marker?.version ?? 0;
    if (version !== this.#seen) this.#generation++;
    this.#seen = version;
  }
}

const byConnection = new WeakMap<Connection, ClientChanges>();

/** The one tracker per database connection, shared by the protocol's adapter, the admin services and /validate. */
export function clientChanges(connection: Connection): ClientChanges {
  let changes = byConnection.get(connection);
  if (!changes) {
    changes = new ClientChanges(connection);
    byConnection.set(connection, changes);
  }
  return changes;
}
