import type { BlobStore } from '@commerce/blob-store';
import { randomBytes } from 'node:crypto';
import {
  DEFAULT_ARCHIVE_PREFIX, MANIFEST_FILE, SEGMENT_CONTENT_TYPE, buildManifest, decodeSegment, encodeSegment, hourOf, isSegmentName,
  partitionPrefix, segmentEntry, segmentName, type ArchivedMessage, type PartitionManifest, type SegmentEntry,
} from './format.js';
import { listAll } from './list.js';

export interface ArchiveWriterOptions {
  readonly store: BlobStore;
  readonly prefix?: string;
  /** Partitions whose message ids are kept in memory for de-duplication (least recently used go first). */
  readonly maxCachedPartitions?: number;
}

export interface WriteResult {
  /** Messages newly written. */
  readonly written: number;
  /** Messages already in the archive (same message id), not written again. */
  readonly duplicates: number;
  /** Keys of the segments this call created. */
  readonly segments: readonly string[];
}

interface PartitionState {
  readonly topic: string;
  readonly hour: Date;
  readonly prefix: string;
  readonly ids: Set<string>;
  readonly segments: Map<string, SegmentEntry>;
  /** Segment count in the manifest as last written; differs when another writer's segment was found. */
  manifestSegments: number;
}

/**
 * Writes messages into the archive: one immutable segment per call and partition, then the
 * partition's manifest. Resolves only when both are durably stored, so a caller may ack then.
 * Messages already archived (same message id) are skipped; the archive holds each message once.
 *
 * Calls for one partition run one after another; different partitions are written in parallel.
 * Before every write the partition is listed, so segments written by another writer (or left by a
 * crash between the segment and its manifest) are found, de-duplicated against and put into the
 * manifest. Two archivers on one subscription therefore converge, although one instance per
 * subscription is the intended deployment (each manifest write is a whole-object replace).
 */
export class ArchiveWriter {
  readonly prefix: string;
  private readonly store: BlobStore;
  private readonly maxCached: number;
  private readonly partitions = new Map<string, PartitionState>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(options: ArchiveWriterOptions) {
    this.store = options.store;
    this.prefix = options.prefix ?? DEFAULT_ARCHIVE_PREFIX;
    this.maxCached = options.maxCachedPartitions ?? 48;
  }

  async write(topic: string, messages: readonly ArchivedMessage[]): Promise<WriteResult> {
    const byPartition = new Map<string, ArchivedMessage[]>();
    for (const m of messages) {
      const t = new Date(m.publishTime);
      if (Number.isNaN(t.getTime())) throw new Error(`message ${m.messageId} has no valid publish time (${m.publishTime})`);
      const p = partitionPrefix(this.prefix, topic, t);
      let list = byPartition.get(p);
      if (list === undefined) byPartition.set(p, (list = []));
      list.push(m);
    }
    const results = await Promise.all([...byPartition].map(([p, list]) => this.serial(p, () => this.writePartition(topic, p, list))));
    return {
      written: results.reduce((n, r) => n + r.written, 0),
      duplicates: results.reduce((n, r) => n + r.duplicates, 0),
      segments: results.flatMap((r) => r.segments),
    };
  }

  private serial<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return next;
  }

  private async writePartition(topic: string, prefix: string, messages: readonly ArchivedMessage[]): Promise<WriteResult> {
    const state = await this.partition(topic, prefix, new Date(messages[0]!.publishTime));
    await this.reconcile(state);
    const fresh: ArchivedMessage[] = [];
    const seen = new Set<string>();
    for (const m of messages) {
      if (state.ids.has(m.messageId) || seen.has(m.messageId)) continue;
      seen.add(m.messageId);
      fresh.push(m);
    }
    const created: string[] = [];
    if (fresh.length > 0) {
      const name = segmentName(Date.now(), randomBytes(4).toString('hex'));
      const buf = encodeSegment(fresh);
      const key = prefix + name;
      await this.store.put(key, buf, { contentType: SEGMENT_CONTENT_TYPE, ifAbsent: true, metadata: { topic, count: String(fresh.length) } });
      state.segments.set(name, segmentEntry(name, buf, fresh));
      for (const m of fresh) state.ids.add(m.messageId);
      created.push(key);
    }
    if (fresh.length > 0 || state.manifestSegments !== state.segments.size) {
      await this.writeManifest(state);
    }
    return { written: fresh.length, duplicates: messages.length - fresh.length, segments: created };
  }

  private async writeManifest(state: PartitionState): Promise<PartitionManifest> {
    const manifest = buildManifest(state.topic, state.hour, [...state.segments.values()]);
    await this.store.put(state.prefix + MANIFEST_FILE, Buffer.from(JSON.stringify(manifest, null, 1)), { contentType: 'application/json' });
    state.manifestSegments = state.segments.size;
    return manifest;
  }

  private async partition(topic: string, prefix: string, t: Date): Promise<PartitionState> {
    let state = this.partitions.get(prefix);
    if (state !== undefined) {
      // Most recently used last, so the first entry is the one to evict.
      this.partitions.delete(prefix);
      this.partitions.set(prefix, state);
      return state;
    }
    state = { topic, hour: hourOf(t), prefix, ids: new Set(), segments: new Map(), manifestSegments: -1 };
    const manifest = await this.readManifest(prefix);
    state.manifestSegments = manifest?.segments.length ?? 0;
    this.partitions.set(prefix, state);
    while (this.partitions.size > this.maxCached) {
      const oldest = this.partitions.keys().next().value as string;
      if (this.queues.has(oldest) && oldest !== prefix) break; // busy; evict later
      this.partitions.delete(oldest);
    }
    return state;
  }

  private async readManifest(prefix: string): Promise<PartitionManifest | undefined> {
    if ((await this.store.head(prefix + MANIFEST_FILE)) === undefined) return undefined;
    return JSON.parse((await this.store.get(prefix + MANIFEST_FILE)).toString('utf8')) as PartitionManifest;
  }

  /** Takes in every segment of the partition this writer has not seen yet. */
  private async reconcile(state: PartitionState): Promise<void> {
    for (const info of await listAll(this.store, state.prefix)) {
      const name = info.key.slice(state.prefix.length);
      if (!isSegmentName(name) || state.segments.has(name)) continue;
      const buf = await this.store.get(info.key);
      const messages = decodeSegment(buf, this.store.url(info.key));
      if (messages.length === 0) continue;
      for (const m of messages) state.ids.add(m.messageId);
      state.segments.set(name, segmentEntry(name, buf, messages));
    }
  }
}
