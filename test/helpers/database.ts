import { randomBytes } from 'node:crypto';

import mongoose, { type Connection } from 'mongoose';

let uri: string | undefined;

export function setTestDatabaseUri(value: string): void {
  uri = value;
}

export function testDatabaseUri(): string {
  if (!uri) throw new Error('root hooks did not run: no test database');
  return uri;
}

/** A database name no other test file uses. */
export function uniqueDatabaseName(label: string): string {
  return `test_${label.replace(/[^A-Za-z0-9]/g, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`;
}

/** A bare connection to one test database (for adapter tests that need no server). */
export async function connectTestDatabase(name: string): Promise<Connection> {
  // monitorCommands lets tests count the database commands a piece of code sends.
  const connection = mongoose.createConnection(testDatabaseUri(), {
    autoCreate: false,
    autoIndex: false,
    dbName: name,
    monitorCommands: true,
  });
  await connection.asPromise();
  return connection;
}
