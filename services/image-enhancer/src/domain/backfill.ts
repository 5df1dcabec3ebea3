import { ImageUploaded } from '@commerce/contracts';
import type { BlobStore } from '@commerce/blob-store';
import type { EventBus } from '@commerce/event-kit';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isImageObject } from '../handlers/image-uploaded.js';
import { storageNotification } from './announce.js';
import { RateLimiter, systemClock, type Clock } from './providers/limits.js';

/** Where a backfill stands; written after every fully announced page, so a restart loses nothing. */
export interface Checkpoint {
  readonly bucket: string;
  readonly prefix: string;
  /** Token of the next page to list; absent at the start. */
  readonly pageToken?: string;
  readonly done: boolean;
  readonly listed: number;
  readonly published: number;
  readonly skipped: number;
  readonly bytes: number;
  readonly lastKey?: string;
  readonly updatedAt: string;
}

export interface BackfillOptions {
  readonly store: BlobStore;
  readonly bucket: string;
  readonly prefix: string;
  /** Absent in a dry run: nothing is published. */
  readonly bus?: EventBus;
  readonly ratePerSecond: number;
  readonly pageSize: number;
  /** Absent: no checkpoint (dry runs, one-off tests). */
  readonly checkpointPath?: string;
  /** The enhancer's output prefix: never announce its own outputs. */
  readonly outputPrefix: string;
  /** Stop after this many announcements (a trial run); the checkpoint stays at the last whole page. */
  readonly limit?: number;
  /** Announcements in flight at once. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
  readonly onProgress?: (c: Checkpoint) => void;
}

const start = (bucket: string, prefix: string): Checkpoint => ({ bucket, prefix, done: false, listed: 0, published: 0, skipped: 0, bytes: 0, updatedAt: new Date().toISOString() });

export async function readCheckpoint(path: string, bucket: string, prefix: string): Promise<Checkpoint | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const c = JSON.parse(text) as Checkpoint;
  if (c.bucket !== bucket || c.prefix !== prefix) {
    throw new Error(`checkpoint ${path} is for gs://${c.bucket}/${c.prefix}, not gs://${bucket}/${prefix}: pass another --checkpoint or delete it to start over`);
  }
  return c;
}

/** Atomic: a crash mid-write leaves the previous checkpoint, never half of one. */
async function writeCheckpoint(path: string, c: Checkpoint): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(c, null, 2));
  await rename(tmp, path);
}

/**
 * Lists a bucket (or a prefix of it) page by page and announces every image as the
 * `image-uploaded` notification Cloud Storage would have sent, at a fixed rate. Resumable:
 * the checkpoint holds the next page token, written once a page is fully announced, so a
 * restart re-announces at most one page (harmless: same generation, same event id, and the
 * enhancer's outputs are content-addressed).
 */
export async function runBackfill(o: BackfillOptions): Promise<Checkpoint> {
  const clock = o.clock ?? systemClock;
  let c = (o.checkpointPath ? await readCheckpoint(o.checkpointPath, o.bucket, o.prefix) : undefined) ?? start(o.bucket, o.prefix);
  if (c.done) return c;
  // Burst of one second's worth: smooth enough for the subscriber, cheap on timers.
  const limiter = new RateLimiter(o.ratePerSecond * 60, Math.max(1, Math.ceil(o.ratePerSecond)), clock);
  const concurrency = o.concurrency ?? 64;
  let announcedThisRun = 0;
  for (;;) {
    o.signal?.throwIfAborted();
    const page = await o.store.list(o.prefix, { pageSize: o.pageSize, ...(c.pageToken ? { pageToken: c.pageToken } : {}) });
    let { listed, published, skipped, bytes } = c;
    const inFlight = new Set<Promise<unknown>>();
    let stopped = false;
    for (const info of page.items) {
      if (o.limit !== undefined && announcedThisRun >= o.limit) {
        stopped = true;
        break;
      }
      listed++;
      if (info.key.startsWith(o.outputPrefix) || !isImageObject({ name: info.key, ...(info.contentType ? { contentType: info.contentType } : {}) })) {
        skipped++;
        continue;
      }
      bytes += info.size;
      published++;
      announcedThisRun++;
      if (!o.bus) continue;
      await limiter.take(o.signal);
      const p = o.bus.publish(ImageUploaded, storageNotification(o.bucket, info)).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
      o.onProgress?.({ ...c, listed, published, skipped, bytes, lastKey: info.key });
    }
    // Every publish of the page must have succeeded before the checkpoint moves past it.
    await Promise.all(inFlight);
    if (stopped) {
      // A trial run stops mid-page: the checkpoint stays at the page's start, so nothing is skipped on resume.
      return { ...c, listed, published, skipped, bytes };
    }
    const { pageToken: _previous, ...rest } = c;
    c = {
      ...rest,
      ...(page.nextPageToken ? { pageToken: page.nextPageToken } : {}),
      done: !page.nextPageToken,
      listed,
      published,
      skipped,
      bytes,
      ...(page.items.length > 0 ? { lastKey: page.items.at(-1)!.key } : {}),
      updatedAt: new Date(clock.now()).toISOString(),
    };
    if (o.checkpointPath && o.bus) await writeCheckpoint(o.checkpointPath, c);
    o.onProgress?.(c);
    if (c.done) return c;
  }
}

export interface SizingInput {
  readonly images: number;
  /** Measured by `make bench-images` (service_img_per_s), per instance of the service. */
  readonly imagesPerSecondPerInstance: number;
  readonly days: number;
  /** Share of photos the local path cannot save and Gemini regenerates (with IMAGE_PROVIDER=gemini). */
  readonly regenerationShare: number;
  readonly costPerImageUsd: number;
  readonly ratePerSecond: number;
}

export interface Sizing {
  readonly instances: number;
  readonly publishHours: number;
  readonly processingHoursWithInstances: number;
  readonly geminiImages: number;
  readonly geminiCostUsd: number;
  readonly geminiDailyBudgetUsd: number;
}

/** How many instances finish `images` in `days`, and what the cloud share costs. */
export function sizing(s: SizingInput): Sizing {
  const needPerSecond = s.images / (s.days * 86_400);
  const instances = Math.max(1, Math.ceil(needPerSecond / s.imagesPerSecondPerInstance));
  const geminiImages = Math.round(s.images * s.regenerationShare);
  const geminiCostUsd = Math.round(geminiImages * s.costPerImageUsd * 100) / 100;
  return {
    instances,
    publishHours: Math.round((s.images / s.ratePerSecond / 3600) * 10) / 10,
    processingHoursWithInstances: Math.round((s.images / (instances * s.imagesPerSecondPerInstance) / 3600) * 10) / 10,
    geminiImages,
    geminiCostUsd,
    geminiDailyBudgetUsd: Math.round((geminiCostUsd / s.days) * 100) / 100,
  };
}
