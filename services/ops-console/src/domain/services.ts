export interface ServiceStatus {
  readonly name: string;
  readonly url: string;
  readonly alive: boolean;
  readonly ready: boolean;
  readonly health?: unknown;
  readonly error?: string;
  /** A few counters from /metrics, summed over labels. */
  readonly metrics: Record<string, number>;
}

/** Metrics worth a glance: what came in, what went out, what failed. */
export const KEY_METRICS = [
  'eventkit_messages_received_total',
  'eventkit_messages_acked_total',
  'eventkit_messages_nacked_total',
  'eventkit_messages_dead_lettered_total',
  'eventkit_duplicates_skipped_total',
  'eventkit_published_total',
  'archiver_messages_archived_total',
  'archiver_flush_failures_total',
] as const;

export function sumMetrics(text: string, names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    const name = line.split(/[{ ]/, 1)[0]!;
    if (!names.includes(name)) continue;
    const v = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(v)) out[name] = (out[name] ?? 0) + v;
  }
  return out;
}

async function fetchWithin(url: string, ms: number): Promise<Response> {
  return fetch(url, { signal: AbortSignal.timeout(ms) });
}

export async function serviceStatus(name: string, url: string, timeoutMs = 2000): Promise<ServiceStatus> {
  try {
    const [h, r, m] = await Promise.all([fetchWithin(`${url}/healthz`, timeoutMs), fetchWithin(`${url}/readyz`, timeoutMs), fetchWithin(`${url}/metrics`, timeoutMs)]);
    return { name, url, alive: h.ok, ready: r.ok, health: await h.json(), metrics: sumMetrics(await m.text(), KEY_METRICS) };
  } catch (err) {
    return { name, url, alive: false, ready: false, error: (err as Error).message, metrics: {} };
  }
}
