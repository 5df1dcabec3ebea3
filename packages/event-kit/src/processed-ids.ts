import { closeSync, existsSync, fdatasyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
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

/**
 * The default, per process: two generations of ids. Lookups check both; when the current
 * generation holds half the capacity, or half the time-to-live has passed, the older one is
 * dropped. So an id is remembered for at least half the TTL (and half the capacity of later
 * ids), memory stays bounded, and every operation is a Set lookup.
 *
 * Not lru-cache: its per-message cost measured 11 µs in the throughput benchmark (1M-entry
 * cache, GC pressure), more than the rest of the delivery pipeline; a Set costs ~0.1 µs.
 * Recency is not needed: redeliveries come soon after the original or not at all.
 */
export class MemoryProcessedIds implements ProcessedIdsStore {
  private current = new Set<string>();
  private previous = new Set<string>();
  private rotatedAtMs = Date.now();
  private readonly generationSize: number;
  private readonly generationMs: number;

  constructor(options: { max?: number; ttlMs?: number } = {}) {
    this.generationSize = Math.max(1, Math.floor((options.max ?? Defaults.processedIdsMax) / 2));
    this.generationMs = Math.max(1, Math.floor((options.ttlMs ?? Defaults.processedIdsTtlMs) / 2));
  }
  has(eventId: string): boolean {
    return this.current.has(eventId) || this.previous.has(eventId);
  }
  add(eventId: string): void {
    if (this.current.size >= this.generationSize || Date.now() - this.rotatedAtMs >= this.generationMs) {
      this.previous = this.current;
      this.current = new Set();
      this.rotatedAtMs = Date.now();
    }
    this.current.add(eventId);
  }
  get size(): number {
    return this.current.size + this.previous.size;
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
