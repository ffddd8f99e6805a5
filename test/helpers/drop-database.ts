import type { Connection } from 'mongoose';

/**
 * Drops a test database. A real MongoDB drops it whole; the embedded development server has
 * no dropDatabase, drop or listCollections command, so there every collection this
 * connection's models use is emptied instead.
 */
export async function dropTestDatabase(connection: Connection): Promise<void> {
  try {
    await connection.dropDatabase();
  } catch (err) {
    if ((err as { codeName?: string }).codeName !== 'CommandNotFound') throw err;
    await Promise.all(Object.values(connection.models).map((model) => model.deleteMany({})));
  }
}
