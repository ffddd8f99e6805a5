import { AsyncLocalStorage } from 'node:async_hooks';
import { Server } from 'node:http';

import type { Connection } from 'mongoose';

const WRITES = new Set(['insert', 'update', 'delete', 'findAndModify']);
const IGNORED = new Set(['hello', 'isMaster', 'ping', 'endSessions']);

export interface CommandCount {
  reads: number;
  writes: number;
  /** each command as `name collection`, in order */
  log: string[];
}

/**
 * Whose work a database command is: the counted work itself, or an HTTP request this process
 * serves. The provider's background workers (outbox, back-channel logout queue, key reloader,
 * reaper) run from timers started with the server, outside both, so a poll that happens to fall
 * inside a measurement is not counted as the request's.
 */
const owner = new AsyncLocalStorage<'counted work' | 'request'>();
let requestsTagged = false;

/** Runs each HTTP request this process serves in a context of its own (the server is in-process). */
function tagRequests(): void {
  if (requestsTagged) return;
  requestsTagged = true;
  const proto = Server.prototype as unknown as { emit: (event: string | symbol, ...args: unknown[]) => boolean };
  const emit = proto.emit;
  proto.emit = function emitTagged(this: unknown, event: string | symbol, ...args: unknown[]) {
    if (event !== 'request') return emit.call(this, event, ...args);
    return owner.run('request', () => emit.call(this, event, ...args));
  };
}

/**
 * Counts the MongoDB commands a piece of work sends (the driver's command monitoring): those
 * the work sends itself and those sent while serving the HTTP requests it makes, not the
 * background work the server does meanwhile.
 */
export async function countCommands(connection: Connection, work: () => Promise<unknown>): Promise<CommandCount> {
  tagRequests();
  const count: CommandCount = { reads: 0, writes: 0, log: [] };
  const client = connection.getClient();
  const listener = (event: { commandName: string; command: Record<string, unknown> }) => {
    if (IGNORED.has(event.commandName) || owner.getStore() === undefined) return;
    if (WRITES.has(event.commandName)) count.writes += 1;
    else count.reads += 1;
    count.log.push(`${event.commandName} ${String(event.command[event.commandName])}`);
  };
  client.on('commandStarted', listener);
  try {
    await owner.run('counted work', work);
  } finally {
    client.off('commandStarted', listener);
  }
  return count;
}
