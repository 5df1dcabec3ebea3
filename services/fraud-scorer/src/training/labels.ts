import { FraudLabelReported, type FraudLabelReportedEvent } from '@commerce/contracts';
import type { BlobStore } from '@commerce/blob-store';

/** Objects fetched at once when reading labels (one object per label in the scorer's layout). */
const LABEL_READ_CONCURRENCY = 16;

/** Latest reported label per order id. */
export type OrderLabels = ReadonlyMap<string, 'fraud' | 'legitimate'>;

/**
 * Labels file format: JSON Lines, one `fraud-label-reported` event payload per line, in any
 * number of objects ending `.jsonl` or `.ndjson` anywhere under a blob-store prefix: the scorer's
 * `LabelBook` writes `labels/fraud/<reported day>/<label id>.jsonl`; a bulk export may be one
 * object per day. When an order has several labels, the one reported last
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
  // The scorer writes one small object per label: fetch them a few at a time, apply in key order.
  const texts: string[] = new Array<string>(keys.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const i = next++;
      texts[i] = (await store.get(keys[i]!)).toString('utf8');
    }
  };
  await Promise.all(Array.from({ length: Math.min(LABEL_READ_CONCURRENCY, keys.length) }, worker));
  for (const [k, key] of keys.entries()) {
    const text = texts[k]!;
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
