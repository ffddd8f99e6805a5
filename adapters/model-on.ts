import type { Connection, Model, Schema } from 'mongoose';

/** The model `name` on this connection, defined with `schema` the first time it is asked for. */
export function modelOn<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
}
