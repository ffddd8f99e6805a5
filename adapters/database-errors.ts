/**
 * Whether an error means "the database cannot be reached right now" (as opposed to a bug or bad
 * data): the request should then be answered 503 and retried later, not 500.
 */
const UNAVAILABLE = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  // timeoutMS elapsed: the server accepted the operation but did not answer in time (hung).
  'MongoOperationTimeoutError',
]);

export function isDatabaseUnavailable(err: unknown): boolean {
  for (
    let current = err as { name?: string; cause?: unknown } | undefined, depth = 0;
    current && depth < 5;
    depth += 1
  ) {
    if (current.name && UNAVAILABLE.has(current.name)) return true;
    current = current.cause as typeof current;
  }
  return false;
}
