import autocannon from 'autocannon';

export interface LoadResult {
  rps: number;
  p95: number;
  errors: number;
}

/** Fixed-duration load with a fixed number of connections; returns req/s and p95 latency (ms). */
export async function load(url: string, seconds: number, connections = 16): Promise<LoadResult> {
  // The load runs in a worker thread, so it does not share the servers' event loop.
  const r = await autocannon({ url, connections, duration: seconds, pipelining: 1, workers: 1 });
  const non2xx = (r as unknown as { non2xx: number }).non2xx ?? 0;
  return { rps: r.requests.average, p95: (r.latency as unknown as Record<string, number>).p97_5 ?? r.latency.p99, errors: r.errors + non2xx };
}
