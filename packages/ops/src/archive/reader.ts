import type { BlobStore } from '@commerce/blob-store';
import {
  DEFAULT_ARCHIVE_PREFIX, MANIFEST_FILE, buildManifest, decodeSegment, hourOf, hourOfPartitionPrefix, isSegmentName, segmentEntry, sha256Hex,
  topicPrefix, type ArchivedMessage, type PartitionManifest, type SegmentEntry,
} from './format.js';
import { listAll, listPrefixes } from './list.js';

export interface PartitionRef {
  readonly topic: string;
  readonly hour: Date;
  /** `archive/<topic>/YYYY/MM/DD/HH/` */
  readonly prefix: string;
}

export interface ArchiveReaderOptions {
  readonly store: BlobStore;
  readonly prefix?: string;
  /** Messages of recently read partitions kept in memory (0: none). */
  readonly cacheMaxMessages?: number;
}

/** Reads the archive through its manifests: partitions outside a time range are never opened. */
export class ArchiveReader {
  readonly prefix: string;
  readonly store: BlobStore;
  private readonly cache = new Map<string, ArchivedMessage[]>();
  private cached = 0;
  private readonly cacheMaxMessages: number;

  constructor(options: ArchiveReaderOptions) {
    this.store = options.store;
    this.prefix = options.prefix ?? DEFAULT_ARCHIVE_PREFIX;
    this.cacheMaxMessages = options.cacheMaxMessages ?? 250_000;
  }

  /** Topics with at least one archived partition. */
  async topics(): Promise<string[]> {
    return (await listPrefixes(this.store, `${this.prefix}/`)).map((p) => p.slice(this.prefix.length + 1, -1)).sort();
  }

  /**
   * The partitions of a topic whose hour overlaps [from, to), oldest first. Walks the
   * year/month/day/hour levels and skips whole years, months and days outside the range.
   */
  async partitions(topic: string, from?: Date, to?: Date): Promise<PartitionRef[]> {
    const lo = from ? hourOf(from).getTime() : -Infinity;
    const hi = to ? to.getTime() : Infinity;
    const out: PartitionRef[] = [];
    const overlaps = (start: number, end: number): boolean => end > lo && start < hi;
    for (const y of await listPrefixes(this.store, topicPrefix(this.prefix, topic))) {
      const year = Number(y.slice(-5, -1));
      if (!overlaps(Date.UTC(year, 0), Date.UTC(year + 1, 0))) continue;
      for (const mo of await listPrefixes(this.store, y)) {
        const month = Number(mo.slice(-3, -1)) - 1;
        if (!overlaps(Date.UTC(year, month), Date.UTC(year, month + 1))) continue;
        for (const d of await listPrefixes(this.store, mo)) {
          const day = Number(d.slice(-3, -1));
          if (!overlaps(Date.UTC(year, month, day), Date.UTC(year, month, day + 1))) continue;
          for (const h of await listPrefixes(this.store, d)) {
            const hour = hourOfPartitionPrefix(h);
            if (hour === undefined || !overlaps(hour.getTime(), hour.getTime() + 3_600_000)) continue;
            out.push({ topic, hour, prefix: h });
          }
        }
      }
    }
    return out.sort((a, b) => a.hour.getTime() - b.hour.getTime());
  }

  /**
   * The partition's manifest. A partition whose manifest is missing (the archiver stopped between
   * writing a segment and its manifest, before acking) is described from its segments instead.
   */
  async manifest(p: PartitionRef): Promise<PartitionManifest> {
    if ((await this.store.head(p.prefix + MANIFEST_FILE)) !== undefined) {
      return JSON.parse((await this.store.get(p.prefix + MANIFEST_FILE)).toString('utf8')) as PartitionManifest;
    }
    const entries: SegmentEntry[] = [];
    for (const info of await listAll(this.store, p.prefix)) {
      const name = info.key.slice(p.prefix.length);
      if (!isSegmentName(name)) continue;
      const buf = await this.store.get(info.key);
      const messages = decodeSegment(buf, this.store.url(info.key));
      if (messages.length > 0) entries.push(segmentEntry(name, buf, messages));
    }
    return buildManifest(p.topic, p.hour, entries);
  }

  /** One segment's messages, after checking its checksum against the manifest. */
  async segment(partitionPrefix: string, entry: Pick<SegmentEntry, 'name' | 'sha256'>): Promise<ArchivedMessage[]> {
    const key = partitionPrefix + entry.name;
    const buf = await this.store.get(key);
    const actual = sha256Hex(buf);
    if (actual !== entry.sha256) {
      throw new Error(`archive segment ${this.store.url(key)} does not match its manifest (sha256 ${actual}, expected ${entry.sha256}); it was changed or damaged`);
    }
    return decodeSegment(buf, this.store.url(key));
  }

  /**
   * A partition's messages in publish order. The sort is stable, so messages published in the same
   * millisecond keep the order the archiver received them in (per ordering key, the publish order
   * when the archiver's subscription has ordering on). Duplicates by message id are dropped.
   */
  async partitionMessages(partitionPrefix: string, segments: readonly Pick<SegmentEntry, 'name' | 'sha256'>[]): Promise<ArchivedMessage[]> {
    const cacheKey = partitionPrefix + segments.map((s) => s.sha256).join(',');
    const cached = this.cache.get(cacheKey);
    if (cached !== undefined) return cached;
    const all: ArchivedMessage[] = [];
    const seen = new Set<string>();
    for (const s of segments) {
      for (const m of await this.segment(partitionPrefix, s)) {
        if (seen.has(m.messageId)) continue;
        seen.add(m.messageId);
        all.push(m);
      }
    }
    const times = all.map((m) => Date.parse(m.publishTime));
    let sorted = true;
    for (let i = 1; i < times.length && sorted; i++) sorted = times[i - 1]! <= times[i]!;
    let result = all;
    if (!sorted) {
      const idx = all.map((_, i) => i).sort((a, b) => times[a]! - times[b]! || a - b);
      result = idx.map((i) => all[i]!);
    }
    this.remember(cacheKey, result);
    return result;
  }

  /**
   * Keeps recently read partitions (bounded by message count), so a replay that counts its window
   * and then sends it reads the archive once. Keyed by segment checksums: never stale.
   */
  private remember(key: string, messages: ArchivedMessage[]): void {
    if (messages.length > this.cacheMaxMessages) return;
    this.cache.set(key, messages);
    this.cached += messages.length;
    for (const [k, v] of this.cache) {
      if (this.cached <= this.cacheMaxMessages) break;
      this.cache.delete(k);
      this.cached -= v.length;
    }
  }

  /** Every archived message of a topic in [from, to), in publish order. */
  async *messages(topic: string, from?: Date, to?: Date): AsyncGenerator<ArchivedMessage> {
    const lo = from?.getTime() ?? -Infinity;
    const hi = to?.getTime() ?? Infinity;
    for (const p of await this.partitions(topic, from, to)) {
      const manifest = await this.manifest(p);
      for (const m of await this.partitionMessages(p.prefix, manifest.segments)) {
        const t = Date.parse(m.publishTime);
        if (t >= lo && t < hi) yield m;
      }
    }
  }
}
