import { FraudLabelReported, type FraudLabelReportedEvent } from '@commerce/contracts';
import type { BlobStore } from '@commerce/blob-store';

/** Latest reported label per order id. */
export type OrderLabels = ReadonlyMap<string, 'fraud' | 'legitimate'>;

/**
 * Labels file format: JSON Lines, one `fraud-label-reported` event payload per line, in any
 * number of objects ending `.jsonl` or `.ndjson` under a blob-store prefix (e.g. one object per
 * day: `labels/fraud/2026-11-21.jsonl`). When an order has several labels, the one reported last
 * wins (ties: the later line). Every line is validated against the contract; a bad line fails the
 * run naming the object and line.
 */
export async function readLabels(store: BlobStore, prefix: string): Promise<{ labels: OrderLabels; events: number; objects: string[] }> {
  const keys: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = await store.list(prefix, pageToken ? { pageToken } : {});
    for (const item of page.items) if (/\.(jsonl|ndjson)$/.test(item.key)) keys.push(item.key);
    pageToken = page.nextPageToken;
  } while (pageToken);
  const latest = new Map<string, FraudLabelReportedEvent>();
  let events = 0;
  for (const key of keys) {
    const text = (await store.get(key)).toString('utf8');
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      let event: FraudLabelReportedEvent;
      try {
        event = FraudLabelReported.parse(JSON.parse(line));
      } catch (err) {
        throw new Error(`${store.url(key)} line ${i + 1}: not a fraud-label-reported event: ${(err as Error).message}`, { cause: err });
      }
      events += 1;
      const prev = latest.get(event.orderId);
      if (!prev || Date.parse(event.reportedAt) >= Date.parse(prev.reportedAt)) latest.set(event.orderId, event);
    });
  }
  return { labels: new Map([...latest].map(([id, e]) => [id, e.label])), events, objects: keys };
}

/** Writes labels in the format `readLabels` reads (for the synthetic generator's labels and tests). */
export async function writeLabels(store: BlobStore, key: string, events: readonly FraudLabelReportedEvent[]): Promise<void> {
  await store.put(key, Buffer.from(events.map((e) => JSON.stringify(e)).join('\n') + '\n'), { contentType: 'application/x-ndjson' });
}
