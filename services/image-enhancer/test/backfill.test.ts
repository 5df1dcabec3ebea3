import { ImageUploaded, type ImageUploadedEvent } from '@commerce/contracts';
import { LocalBlobStore } from '@commerce/blob-store';
import { PubSubEventBus, createPubSubClient, storageEventId } from '@commerce/event-kit';
import { drain, emulatorHost, uniqueProject } from '@commerce/testing';
import { loadTopology, provision } from '@commerce/topology';
import type { PubSub } from '@google-cloud/pubsub';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBackfill, sizing, type Checkpoint } from '../src/domain/backfill.js';

const BUCKET = 'shop-product-images';
const IMAGES = 13;

describe('backfill against the emulator', () => {
  let admin: PubSub;
  let bus: PubSubEventBus;
  let root: string;
  let store: LocalBlobStore;

  beforeAll(async () => {
    const projectId = uniqueProject('image-backfill');
    const host = emulatorHost();
    admin = createPubSubClient({ projectId, emulatorHost: host });
    await provision(admin, loadTopology('local'));
    bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: host }), source: 'image-backfill' });
    root = await mkdtemp(join(tmpdir(), 'image-backfill-'));
    store = new LocalBlobStore({ root: join(root, BUCKET) });
    // Tiny stand-ins are enough: backfill announces objects, it never decodes them.
    for (let i = 0; i < IMAGES; i++) await store.put(`catalogue/p-${String(i).padStart(2, '0')}.jpg`, Buffer.from(`jpeg ${i}`), { contentType: 'image/jpeg' });
    await store.put('catalogue/prices.csv', Buffer.from('sku,price'), { contentType: 'text/csv' });
    await store.put('enhanced/ab/abc/r/1x1/160x160.webp', Buffer.from('out'), { contentType: 'image/webp' });
    await store.put('other/p-99.jpg', Buffer.from('elsewhere'), { contentType: 'image/jpeg' });
  });

  afterAll(async () => {
    await bus?.close();
    await admin?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  const received = async (expect?: number): Promise<ImageUploadedEvent[]> =>
    (await drain(admin, 'image-uploaded.archiver', { quietMs: 2500, ...(expect !== undefined ? { expect } : {}) })).map((m) => {
      const e = ImageUploaded.parse(JSON.parse(m.data.toString())) as ImageUploadedEvent;
      // The notification's attributes are what Cloud Storage sets: the enhancer's filter and identity rely on them.
      if (m.attributes['eventType'] !== 'OBJECT_FINALIZE' || m.attributes['objectId'] !== e.name || m.attributes['objectGeneration'] !== e.generation) throw new Error(`bad attributes on ${e.name}`);
      return e;
    });

  it('a dry run lists and counts images but publishes nothing and writes no checkpoint', async () => {
    const checkpointPath = join(root, 'dry.json');
    const r = await runBackfill({ store, bucket: BUCKET, prefix: '', ratePerSecond: 1e9, pageSize: 4, outputPrefix: 'enhanced/' });
    expect(r).toMatchObject({ done: true, published: IMAGES + 1, skipped: 2, listed: IMAGES + 3 });
    await expect(readFile(checkpointPath)).rejects.toThrow(/ENOENT/);
    expect(await received()).toHaveLength(0);
  });

  it('announces every image under the prefix exactly as GCS would, stopping and resuming from its checkpoint', async () => {
    const checkpointPath = join(root, 'run.json');
    const common = { store, bucket: BUCKET, prefix: 'catalogue/', bus, ratePerSecond: 500, pageSize: 5, outputPrefix: 'enhanced/', checkpointPath };
    const progress: Checkpoint[] = [];
    // A trial run of 7: the first page (5) is checkpointed, the second is cut short.
    const first = await runBackfill({ ...common, limit: 7, onProgress: (c) => progress.push(c) });
    expect(first.done).toBe(false);
    const saved = JSON.parse(await readFile(checkpointPath, 'utf8')) as Checkpoint;
    expect(saved).toMatchObject({ bucket: BUCKET, prefix: 'catalogue/', done: false, published: 5, lastKey: 'catalogue/p-04.jpg' });
    expect(saved.pageToken).toBeDefined();
    expect(progress.length).toBeGreaterThan(0);

    const resumed = await runBackfill(common);
    expect(resumed).toMatchObject({ done: true, published: IMAGES, skipped: 1 });
    expect(JSON.parse(await readFile(checkpointPath, 'utf8'))).toMatchObject({ done: true, published: IMAGES });
    // Done is done: a third run announces nothing.
    expect(await runBackfill(common)).toMatchObject({ done: true, published: IMAGES });

    const events = await received();
    const names = events.map((e) => e.name);
    // Every image at least once; only the interrupted page's first two again (same generation, so the same event id).
    expect([...new Set(names)].sort()).toEqual(Array.from({ length: IMAGES }, (_, i) => `catalogue/p-${String(i).padStart(2, '0')}.jpg`));
    expect(names.length).toBe(IMAGES + 2);
    const repeated = events.filter((e) => names.filter((n) => n === e.name).length > 1);
    expect(new Set(repeated.map((e) => storageEventId(e.bucket, e.name, e.generation))).size).toBe(2);
    expect(events.every((e) => e.bucket === BUCKET && e.kind === 'storage#object' && e.contentType === 'image/jpeg')).toBe(true);
  });

  it('refuses a checkpoint that belongs to another bucket or prefix', async () => {
    const checkpointPath = join(root, 'run.json');
    await expect(runBackfill({ store, bucket: BUCKET, prefix: 'other/', bus, ratePerSecond: 10, pageSize: 5, outputPrefix: 'enhanced/', checkpointPath })).rejects.toThrow(
      /is for gs:\/\/shop-product-images\/catalogue\/, not gs:\/\/shop-product-images\/other\//,
    );
  });

  it('sizes a 200M-image library from a measured per-instance throughput', () => {
    const s = sizing({ images: 200_000_000, imagesPerSecondPerInstance: 2, days: 14, regenerationShare: 0.01, costPerImageUsd: 0.039, ratePerSecond: 200 });
    // 200M / (14 * 86400 s) = 165.3 img/s; at 2 per instance that is 83 instances.
    expect(s.instances).toBe(83);
    expect(s.geminiImages).toBe(2_000_000);
    expect(s.geminiCostUsd).toBe(78_000);
    expect(s.processingHoursWithInstances).toBeLessThanOrEqual(14 * 24);
  });
});
