import { malformedRequest, type FuzzTarget } from './malformed-request.ts';
import { Random } from './random.ts';

interface FuzzSummary {
  requests: number;
  byStatus: Record<string, number>;
  serverErrors: { method: string; path: string; status: number }[];
  networkErrors: number;
  aliveAtEnd: boolean;
  seconds: number;
}

/** A browser's visit to the device page: its session cookie and the form's token (none if the flow is off). */
async function openDevicePage(baseUrl: string): Promise<FuzzTarget['device']> {
  const response = await fetch(`${baseUrl}/device`, { headers: { accept: 'text/html' } });
  const html = await response.text();
  const xsrf = /name="xsrf" value="([^"]*)"/.exec(html)?.[1];
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  return xsrf && cookie ? { cookie, xsrf } : undefined;
}

/**
 * Sends `count` malformed requests (bounded concurrency, loopback only) and counts the answers.
 * A 5xx answer is a finding; so is a process that stops answering.
 */
export async function runFuzz(
  target: FuzzTarget,
  { count, concurrency = 8, seed = 1 }: { count: number; concurrency?: number; seed?: number },
): Promise<FuzzSummary> {
  const random = new Random(seed);
  const started = Date.now();
  const summary: FuzzSummary = {
    requests: 0,
    byStatus: {},
    serverErrors: [],
    networkErrors: 0,
    aliveAtEnd: false,
    seconds: 0,
  };
  const device = target.device ?? (await openDevicePage(target.baseUrl));
  const requests = Array.from({ length: count }, () => malformedRequest(random, { ...target, device }));
  let next = 0;

  async function worker(): Promise<void> {
    while (next < requests.length) {
      const request = requests[next++]!;
      try {
        const response = await fetch(`${target.baseUrl}${request.path}`, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(15_000),
        });
        await response.arrayBuffer();
        summary.byStatus[response.status] = (summary.byStatus[response.status] ?? 0) + 1;
        if (response.status >= 500)
          summary.serverErrors.push({
            method: request.method,
            path: request.path.slice(0, 120),
            status: response.status,
          });
      } catch {
        summary.networkErrors += 1;
      }
      summary.requests += 1;
    }
  }

  await Promise.all(Array.from({ length: concurrency }, worker));
  summary.aliveAtEnd = (await fetch(`${target.baseUrl}/healthz`).catch(() => undefined))?.status === 200;
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}

export function formatSummary(summary: FuzzSummary): string {
  const statuses = Object.entries(summary.byStatus)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([s, n]) => `${s}: ${n}`)
    .join(', ');
  return [
    `fuzz: ${summary.requests} requests in ${summary.seconds.toFixed(1)} s`,
    `  by status: ${statuses}`,
    `  5xx answers: ${summary.serverErrors.length}`,
    ...summary.serverErrors.slice(0, 10).map((e) => `    ${e.status} ${e.method} ${e.path}`),
    `  network errors: ${summary.networkErrors}`,
    `  alive at the end: ${summary.aliveAtEnd ? 'yes' : 'NO'}`,
  ].join('\n');
}
