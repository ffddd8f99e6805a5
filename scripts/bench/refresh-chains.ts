import type { LoadResult } from './load.ts';

/**
 * Refresh-token rotation under load: one chain per connection, each request using the refresh
 * token the previous answer returned (a reused token would revoke the grant, so a generic load
 * generator that replays one request cannot measure this).
 */
export async function refreshLoad({
  issuer,
  authorization,
  refreshTokens,
  seconds = Number.POSITIVE_INFINITY,
  amount = Number.POSITIVE_INFINITY,
  onAnswer,
}: {
  issuer: string;
  authorization: string;
  refreshTokens: string[];
  /** stop after this long, or */
  seconds?: number;
  /** after this many requests */
  amount?: number;
  /** called after each answer with the number answered so far */
  onAnswer?: (answered: number) => void;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  const started = Date.now();
  const until = started + seconds * 1000;
  await Promise.all(
    refreshTokens.map(async (first) => {
      let token: string | undefined = first;
      while (token && Date.now() < until && sent < amount) {
        sent += 1;
        const t0 = performance.now();
        const response = await fetch(`${issuer}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
          body: `grant_type=refresh_token&refresh_token=${token}`,
        });
        const body = (await response.json()) as { refresh_token?: string };
        latencies.push(performance.now() - t0);
        if (response.status !== 200) errors += 1;
        onAnswer?.(latencies.length);
        token = body.refresh_token;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return {
    rps: Math.round(latencies.length / ((Date.now() - started) / 1000)),
    p50: at(0.5),
    p99: at(0.99),
    errors,
    requests: latencies.length,
  };
}
