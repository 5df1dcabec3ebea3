import type { OrderPlacedEvent } from '@commerce/contracts';
import type { BlobStore } from '@commerce/blob-store';
import type { Logger } from 'pino';
import { EntityGraph, type GraphOptions, type GraphSnapshot } from '../gnn/features.js';
import type { GraphStore } from './graph-store.js';

export const MEMORY_STORE_DEFAULTS = {
  /** Blob-store prefix of the journal segments and snapshots. */
  prefix: 'fraud-scorer/graph/',
  /** A snapshot is written after this many committed orders (and on close); the journal before it is then deleted. */
  snapshotEveryOrders: 20_000,
} as const;

export interface MemoryGraphStoreOptions {
  readonly blobs: BlobStore;
  readonly prefix?: string;
  readonly snapshotEveryOrders?: number;
  readonly graphOptions?: Partial<GraphOptions>;
  readonly logger?: Pick<Logger, 'info' | 'warn'>;
}

interface Pending {
  readonly order: OrderPlacedEvent;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

const SEQ_DIGITS = 12;
const seqKey = (seq: number): string => String(seq).padStart(SEQ_DIGITS, '0');

/**
 * The embedded default: the whole graph in this process's memory, made durable in the blob store
 * by a write-ahead journal plus periodic snapshots.
 *
 * `commit` group-commits: while one journal segment is being written, newly committed orders
 * queue up and go out together in the next one, so under load there is one blob write per batch
 * rather than per order, and when idle an order is written at once. A restart loads the newest
 * snapshot and replays the journal segments written after it.
 */
export class MemoryGraphStore implements GraphStore {
  readonly kind = 'memory' as const;
  readonly description: string;
  private readonly prefix: string;
  private readonly snapshotEvery: number;
  private graph: EntityGraph | undefined;
  private seq = 0;
  private snapshotSeq = 0;
  private sinceSnapshot = 0;
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private segmentsWritten = 0;
  private restored = { snapshotOrders: 0, journalOrders: 0 };

  constructor(private readonly options: MemoryGraphStoreOptions) {
    this.prefix = options.prefix ?? MEMORY_STORE_DEFAULTS.prefix;
    this.snapshotEvery = options.snapshotEveryOrders ?? MEMORY_STORE_DEFAULTS.snapshotEveryOrders;
    this.description = `in-memory graph, journal and snapshots at ${options.blobs.url(this.prefix.replace(/\/+$/, ""))}`;
  }

  async open(): Promise<EntityGraph> {
    const { blobs } = this.options;
    const snapshots = await this.listSeqs('snapshots/');
    const latest = snapshots.at(-1);
    let graph: EntityGraph;
    if (latest) {
      const snapshot = JSON.parse((await blobs.get(latest.key)).toString('utf8')) as GraphSnapshot;
      graph = EntityGraph.fromSnapshot(snapshot);
      this.snapshotSeq = latest.seq;
      this.restored.snapshotOrders = graph.orderCount;
    } else {
      graph = new EntityGraph(this.options.graphOptions);
    }
    this.seq = this.snapshotSeq;
    for (const segment of await this.listSeqs('journal/')) {
      this.seq = Math.max(this.seq, segment.seq);
      if (segment.seq <= this.snapshotSeq) continue;
      const lines = (await blobs.get(segment.key)).toString('utf8').split('\n').filter(Boolean);
      for (const line of lines) if (graph.ingest(JSON.parse(line) as OrderPlacedEvent)) this.restored.journalOrders += 1;
    }
    this.options.logger?.info({ ...this.restored, snapshotSeq: this.snapshotSeq, journalSeq: this.seq, store: this.description }, 'entity graph restored');
    this.graph = graph;
    return graph;
  }

  async hydrate(): Promise<void> {
    // Everything is in memory already.
  }

  commit(order: OrderPlacedEvent): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ order, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.flushing || this.pending.length === 0) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      this.kick();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    const seq = this.seq + 1;
    try {
      const body = batch.map((p) => JSON.stringify(p.order)).join('\n') + '\n';
      await this.options.blobs.put(`${this.prefix}journal/${seqKey(seq)}.jsonl`, Buffer.from(body), { contentType: 'application/x-ndjson' });
      this.seq = seq;
      this.segmentsWritten += 1;
      this.sinceSnapshot += batch.length;
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    for (const p of batch) p.resolve();
    if (this.sinceSnapshot >= this.snapshotEvery) {
      await this.snapshot().catch((err: unknown) => this.options.logger?.warn({ err }, 'graph snapshot failed; the journal still holds every order'));
    }
  }

  /**
   * Writes the graph as of now under the last journal sequence number, then deletes that journal
   * and older snapshots. The graph may already hold orders of segments still being written; that
   * is harmless, since replaying them after a restart is a no-op by order id.
   */
  async snapshot(): Promise<void> {
    if (!this.graph) return;
    const seq = this.seq;
    const body = Buffer.from(JSON.stringify(this.graph.toSnapshot()));
    await this.options.blobs.put(`${this.prefix}snapshots/${seqKey(seq)}.json`, body, { contentType: 'application/json' });
    this.snapshotSeq = seq;
    this.sinceSnapshot = 0;
    for (const old of await this.listSeqs('journal/')) if (old.seq <= seq) await this.options.blobs.delete(old.key);
    for (const old of await this.listSeqs('snapshots/')) if (old.seq < seq) await this.options.blobs.delete(old.key);
    this.options.logger?.info({ seq, orders: this.graph.orderCount, bytes: body.length }, 'graph snapshot written');
  }

  async close(): Promise<void> {
    while (this.flushing || this.pending.length > 0) {
      this.kick();
      await this.flushing;
    }
    if (this.graph && this.seq > this.snapshotSeq) await this.snapshot();
  }

  stats(): Record<string, number | string> {
    return {
      store: this.kind,
      orders: this.graph?.orderCount ?? 0,
      nodes: this.graph?.nodeCount ?? 0,
      journalSeq: this.seq,
      snapshotSeq: this.snapshotSeq,
      segmentsWritten: this.segmentsWritten,
      restoredFromSnapshot: this.restored.snapshotOrders,
      restoredFromJournal: this.restored.journalOrders,
    };
  }

  private async listSeqs(dir: string): Promise<Array<{ key: string; seq: number }>> {
    const out: Array<{ key: string; seq: number }> = [];
    let pageToken: string | undefined;
    do {
      const page = await this.options.blobs.list(`${this.prefix}${dir}`, { pageToken });
      for (const item of page.items) {
        const m = /(\d+)\.jsonl?$/.exec(item.key);
        if (m) out.push({ key: item.key, seq: Number(m[1]) });
      }
      pageToken = page.nextPageToken;
    } while (pageToken);
    return out.sort((a, b) => a.seq - b.seq);
  }
}
