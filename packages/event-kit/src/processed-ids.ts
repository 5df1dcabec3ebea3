import { closeSync, existsSync, fdatasyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { LRUCache } from 'lru-cache';
import { Defaults } from './defaults.js';

/**
 * Remembers which events were processed, so a redelivered or re-published event is
 * acked without running its handler again. An id is remembered only after the handler
 * succeeded, just before the ack.
 */
export interface ProcessedIdsStore {
  has(eventId: string): Promise<boolean> | boolean;
  add(eventId: string): Promise<void> | void;
  close?(): Promise<void> | void;
}

/** The default: an LRU with a time-to-live, per process. */
export class MemoryProcessedIds implements ProcessedIdsStore {
  private readonly cache: LRUCache<string, true>;
  constructor(options: { max?: number; ttlMs?: number } = {}) {
    this.cache = new LRUCache({ max: options.max ?? Defaults.processedIdsMax, ttl: options.ttlMs ?? Defaults.processedIdsTtlMs, ttlAutopurge: false });
  }
  has(eventId: string): boolean {
    return this.cache.has(eventId);
  }
  add(eventId: string): void {
    this.cache.set(eventId, true);
  }
}

/**
 * A durable store for a single-instance service: an append-only file of ids, synced to
 * disk on every add, read back at start. It survives a crash (SIGKILL) of the process.
 * Services that scale out use a shared store (Bigtable, Redis) behind the same interface.
 */
export class FileProcessedIds implements ProcessedIdsStore {
  private readonly ids = new Set<string>();
  private fd: number | undefined;
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path)) {
      for (const line of readFileSync(path, 'utf8').split('\n')) if (line) this.ids.add(line);
    }
    this.fd = openSync(path, 'a');
  }
  has(eventId: string): boolean {
    return this.ids.has(eventId);
  }
  add(eventId: string): void {
    if (this.ids.has(eventId)) return;
    if (this.fd === undefined) throw new Error(`processed-ids store ${this.path} is closed`);
    writeSync(this.fd, `${eventId}\n`);
    fdatasyncSync(this.fd);
    this.ids.add(eventId);
  }
  get size(): number {
    return this.ids.size;
  }
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
