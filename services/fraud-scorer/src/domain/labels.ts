import { FraudLabelReported, type FraudLabelReportedEvent } from '@commerce/contracts';
import type { BlobStore } from '@commerce/blob-store';

export const LABELS_PREFIX = 'labels/fraud/';

/**
 * Ground truth as it arrives (`fraud-label-reported`, usually days after the order): kept in the
 * blob store for the next training run, one JSON Lines object per label under
 * `labels/fraud/<reported day>/<label id>.jsonl` (the format the train command reads), and in
 * memory so reasons can say "3 confirmed fraud" about the accounts around an order.
 */
export class LabelBook {
  private readonly latest = new Map<string, FraudLabelReportedEvent>();
  private readonly fraudUsers = new Map<string, number>();

  constructor(
    private readonly blobs: BlobStore,
    private readonly prefix: string = LABELS_PREFIX,
  ) {}

  get size(): number {
    return this.latest.size;
  }

  /** Reads every stored label; a line that is not a label is skipped with the reason returned. */
  async load(): Promise<{ labels: number; skipped: string[] }> {
    const skipped: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.blobs.list(this.prefix, pageToken ? { pageToken } : {});
      for (const item of page.items) {
        if (!/\.(jsonl|ndjson)$/.test(item.key)) continue;
        const lines = (await this.blobs.get(item.key)).toString('utf8').split('\n');
        lines.forEach((line, i) => {
          if (!line.trim()) return;
          try {
            this.apply(FraudLabelReported.parse(JSON.parse(line)));
          } catch (err) {
            skipped.push(`${item.key} line ${i + 1}: ${(err as Error).message}`);
          }
        });
      }
      pageToken = page.nextPageToken;
    } while (pageToken);
    return { labels: this.latest.size, skipped };
  }

  /** Durably stores a label (idempotent by label id), then applies it. `userId` fills in a label that lacks one. */
  async record(label: FraudLabelReportedEvent, userId?: string): Promise<void> {
    const full = label.userId || !userId ? label : { ...label, userId };
    const day = full.reportedAt.slice(0, 10);
    await this.blobs.put(`${this.prefix}${day}/${encodeURIComponent(full.labelId)}.jsonl`, Buffer.from(`${JSON.stringify(full)}\n`), { contentType: 'application/x-ndjson' });
    this.apply(full);
  }

  isFraudOrder(orderId: string): boolean {
    return this.latest.get(orderId)?.label === 'fraud';
  }

  isFraudUser(userId: string): boolean {
    return (this.fraudUsers.get(userId) ?? 0) > 0;
  }

  private apply(label: FraudLabelReportedEvent): void {
    const prev = this.latest.get(label.orderId);
    if (prev && Date.parse(prev.reportedAt) > Date.parse(label.reportedAt)) return; // an older label arriving late
    const user = label.userId ?? prev?.userId;
    if (prev?.label === 'fraud' && prev.userId) this.fraudUsers.set(prev.userId, (this.fraudUsers.get(prev.userId) ?? 1) - 1);
    this.latest.set(label.orderId, user ? { ...label, userId: user } : label);
    if (label.label === 'fraud' && user) this.fraudUsers.set(user, (this.fraudUsers.get(user) ?? 0) + 1);
  }
}
