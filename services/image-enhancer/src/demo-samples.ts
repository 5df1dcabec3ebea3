import { ImageUploaded, type ImageEnhancedEvent } from '@commerce/contracts';
import type { BlobStore } from '@commerce/blob-store';
import type { EventBus } from '@commerce/event-kit';
import sharp from 'sharp';
import { storageNotification } from './domain/announce.js';
import { bucketStores } from './domain/outputs.js';
import { toRaw, type RawImage } from './domain/raw.js';
import { SAMPLE_SIZE, asJpeg, cleanSample, degrade, DEGRADATIONS } from './domain/samples.js';

/** The service's default BLOB_STORE_URL: the demo and the service agree on it without configuration. */
export const DEFAULT_BLOB_STORE_URL = '.tmp/image-enhancer/buckets/{bucket}';
export const DEMO_BUCKET = 'demo-product-images';

export const DEMO_KINDS = ['clean', ...DEGRADATIONS, 'grey-backdrop', 'cluttered'] as const;
export type DemoKind = (typeof DEMO_KINDS)[number];

export interface DemoSample {
  readonly kind: DemoKind;
  readonly bucket: string;
  readonly key: string;
  /** Where the uploaded original is (file:// for the local store). */
  readonly url: string;
  readonly generation: string;
}

async function photo(kind: DemoKind, seed: number, size: { width: number; height: number }): Promise<RawImage> {
  if (kind === 'grey-backdrop') return cleanSample({ seed, background: '#b9b9b9', ...size });
  if (kind === 'cluttered') return cleanSample({ seed, clutter: true, background: '#9a8f80', ...size });
  const clean = await cleanSample({ seed, ...size });
  return kind === 'clean' ? clean : degrade(clean, kind, seed);
}

/**
 * For `make demo`: makes product-like photos degraded in known ways (one per kind, `rounds`
 * times), uploads them to the bucket's blob store under `prefix`, and publishes the
 * `image-uploaded` notification Cloud Storage would send for each. The enhancer's outputs
 * then land in the same store under `enhanced/`, and `beforeAfterSheet` draws each pair.
 */
export async function announceDemoSamples(o: { bus: EventBus; storeUrl?: string; bucket?: string; prefix?: string; rounds?: number; seed?: number; size?: { width: number; height: number } }): Promise<DemoSample[]> {
  const bucket = o.bucket ?? DEMO_BUCKET;
  const store = bucketStores(o.storeUrl ?? DEFAULT_BLOB_STORE_URL)(bucket);
  const prefix = o.prefix ?? 'demo/';
  const out: DemoSample[] = [];
  for (let r = 0; r < (o.rounds ?? 1); r++) {
    for (const [i, kind] of DEMO_KINDS.entries()) {
      const seed = (o.seed ?? 100) + r * DEMO_KINDS.length + i;
      const key = `${prefix}${String(seed).padStart(4, '0')}-${kind}.jpg`;
      const info = await store.put(key, await asJpeg(await photo(kind, seed, o.size ?? SAMPLE_SIZE)), { contentType: 'image/jpeg', metadata: { demoKind: kind } });
      const event = storageNotification(bucket, info);
      await o.bus.publish(ImageUploaded, event);
      out.push({ kind, bucket, key, url: store.url(key), generation: event.generation });
    }
  }
  return out;
}

/**
 * A before/after sheet for one enhanced image: the original and its largest 3:4 JPEG variant
 * side by side, written under the output prefix (so the enhancer ignores it). Returns its key.
 */
export async function beforeAfterSheet(store: BlobStore, e: ImageEnhancedEvent, outputPrefix = 'enhanced/'): Promise<string> {
  const variant = [...e.variants].filter((v) => v.format === 'jpeg').sort((a, b) => (b.aspect === '3:4' ? 1 : 0) - (a.aspect === '3:4' ? 1 : 0) || b.width - a.width)[0];
  if (!variant) throw new Error(`${e.source.name} has no JPEG variant to compare`);
  const height = 600;
  const before = await toRaw(sharp(await store.get(e.source.name)).rotate().resize({ height, width: Math.round((height * 3) / 4), fit: 'contain', background: '#ffffff' }));
  const after = await toRaw(sharp(await store.get(variant.key)).resize({ height, width: Math.round((height * 3) / 4), fit: 'contain', background: '#ffffff' }));
  const gap = 16;
  const sheet = await sharp({ create: { width: before.width + after.width + gap, height, channels: 3, background: '#202020' } })
    .composite([
      { input: before.data, raw: { width: before.width, height: before.height, channels: 3 }, left: 0, top: 0 },
      { input: after.data, raw: { width: after.width, height: after.height, channels: 3 }, left: before.width + gap, top: 0 },
    ])
    .jpeg({ quality: 88 })
    .toBuffer();
  const key = `${outputPrefix}compare/${e.source.name.replace(/\.[^./]+$/, '')}.jpg`;
  await store.put(key, sheet, { contentType: 'image/jpeg', metadata: { operations: e.operations.join(','), provider: e.provider } });
  return key;
}
