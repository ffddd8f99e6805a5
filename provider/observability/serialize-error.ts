/** What a log line keeps of an error: never its other properties, which may hold request bytes. */
interface LoggedError {
  name: string;
  message: string;
  code?: string | number;
  stack?: string;
  cause?: LoggedError;
}

const STACK_LINES = 8;
const MESSAGE_CHARS = 300;
const CAUSE_DEPTH = 3;

function isErrorLike(value: unknown): value is Error & { code?: unknown } {
  return value instanceof Error || (typeof value === 'object' && value !== null && 'message' in value);
}

/** An error's own stack frames, without its first line (the message, kept once, trimmed). */
function trimStack(stack: unknown): string | undefined {
  if (typeof stack !== 'string') return undefined;
  const frames = stack.split('\n').filter((line) => line.trimStart().startsWith('at '));
  return frames.length > 0 ? frames.slice(0, STACK_LINES).join('\n') : undefined;
}

/**
 * The one way an error reaches the log: name, message, code, a trimmed stack and (a few levels
 * of) its cause. Node's parse errors carry the raw request (`rawPacket`: Authorization, Cookie,
 * body) and other libraries attach requests and responses, so nothing else is copied.
 * Anything that is not an error is returned as it is (`error: 'invalid_request'` stays a string).
 *
 * @example serializeError(Object.assign(new Error('bad'), { rawPacket: Buffer.from('secret') }))
 *   // → { name: 'Error', message: 'bad', stack: '    at …' }
 */
export function serializeError(value: unknown, depth = 0): unknown {
  if (!isErrorLike(value)) return value;
  const logged: LoggedError = {
    name: typeof value.name === 'string' ? value.name : 'Error',
    message: String(value.message).slice(0, MESSAGE_CHARS),
  };
  if (typeof value.code === 'string' || typeof value.code === 'number') logged.code = value.code;
  const stack = trimStack(value.stack);
  if (stack !== undefined) logged.stack = stack;
  if (isErrorLike(value.cause) && depth < CAUSE_DEPTH)
    logged.cause = serializeError(value.cause, depth + 1) as LoggedError;
  return logged;
}
