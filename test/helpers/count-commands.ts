import type { Connection } from 'mongoose';

const WRITES = new Set(['insert', 'update', 'delete', 'findAndModify']);
const IGNORED = new Set(['hello', 'isMaster', 'ping', 'endSessions']);

export interface CommandCount {
  reads: number;
  writes: number;
  /** each command as `name collection`, in order */
  log: string[];
}

/** Counts the MongoDB commands a piece of work sends (the driver's command monitoring). */
export async function countCommands(connection: Connection, work: () => Promise<unknown>): Promise<CommandCount> {
  const count: CommandCount = { reads: 0, writes: 0, log: [] };
  const client = connection.getClient();
  const listener = (event: { commandName: string; command: Record<string, unknown> }) => {
    if (IGNORED.has(event.commandName)) return;
    if (WRITES.has(event.commandName)) count.writes += 1;
    else count.reads += 1;
    count.log.push(`${event.commandName} ${String(event.command[event.commandName])}`);
  };
  client.on('commandStarted', listener);
  try {
    await work();
  } finally {
    client.off('commandStarted', listener);
  }
  return count;
}
