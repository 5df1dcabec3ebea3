import { ImageEnhanced, ImageUploaded, type ImageEnhancedEvent } from '@commerce/contracts';
import { createBlobStore, type BlobStore } from '@commerce/blob-store';
import { DeadLetterAttributes, PubSubEventBus, createPubSubClient } from '@commerce/event-kit';
import { loadConfig, type BuiltService } from '@commerce/service-kit';
import { drain, emulatorHost, eventually, uniqueProject } from '@commerce/testing';
import { deadLetterSubscriptionName, loadTopology, provision } from '@commerce/topology';
import type { PubSub } from '@google-cloud/pubsub';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { SUBSCRIPTIONS, buildApp } from '../src/app.js';
import { ImageEnhancerConfig } from '../src/config.js';
import { storageNotification } from '../src/domain/announce.js';
import { DEMO_KINDS, announceDemoSamples, beforeAfterSheet } from '../src/demo-samples.js';
import { decompressionBombPng, textPretendingToBeJpeg, truncated } from '../src/domain/hostile.js';
import { asJpeg, cleanSample, degrade } from '../src/domain/samples.js';

const BUCKET = 'shop-product-images';
const SIZE = { width: 320, height: 400 };

const acked = async (bus: PubSubEventBus): Promise<number> => (await bus.metrics.registry.getSingleMetric('eventkit_messages_acked_total')!.get()).values.reduce((s, v) => s + v.value, 0);

describe('image-enhancer as a service against the emulator', () => {
  let admin: PubSub;
  let uploader: PubSubEventBus;
  let bus: PubSubEventBus;
  let service: BuiltService;
  let root: string;
  let store: BlobStore;

  beforeAll(async () => {
    const projectId = uniqueProject('image-enhancer');
    const host = emulatorHost();
    admin = createPubSubClient({ projectId, emulatorHost: host });
    await provision(admin, loadTopology('local'));
    root = await mkdtemp(join(tmpdir(), 'image-enhancer-it-'));
    const env = {
      GOOGLE_CLOUD_PROJECT: projectId,
      PUBSUB_EMULATOR_HOST: host,
      BLOB_STORE_URL: join(root, '{bucket}'),
      TARGET_LONG_SIDE_PX: '400',
      VARIANT_WIDTHS: '160,320',
    };
    const config = loadConfig(ImageEnhancerConfig, env, 'image-enhancer') as unknown as ImageEnhancerConfig;
    store = createBlobStore(join(root, BUCKET));
    const logger = pino({ level: 'silent' });
    const metricsRegistry = new Registry();
    bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: host }), source: 'image-enhancer', logger, metricsRegistry, maxInFlight: config.MAX_IN_FLIGHT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
    service = await buildApp({ config, logger, bus, metricsRegistry });
    await Promise.all(service.subscriptions.map((s) => s.ready));
    uploader = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: host }), source: 'cloud-storage-notification' });
  });

  afterAll(async () => {
    await service?.app.close();
    await uploader?.close();
    await admin?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  /** What Cloud Storage does on upload: the object, then its OBJECT_FINALIZE notification. */
  async function upload(key: string, data: Buffer, contentType = 'image/jpeg') {
    const event = storageNotification(BUCKET, await store.put(key, data, { contentType }));
    await uploader.publish(ImageUploaded, event);
    return event;
  }

  it('listens on its subscription and reports itself ready with its provider', async () => {
    expect(service.subscriptions.map((s) => s.subscription)).toEqual([SUBSCRIPTIONS.imageUploaded]);
    const readyz = await service.app.inject({ method: 'GET', url: '/readyz' });
    expect(readyz.statusCode).toBe(200);
    const healthz = await service.app.inject({ method: 'GET', url: '/healthz' });
    expect(healthz.json()).toMatchObject({ status: 'ok', service: 'image-enhancer', provider: 'local', outputPrefix: 'enhanced/' });
  });

  it('enhances the demo photos and draws a before/after sheet for each', async () => {
    const demoBucket = 'demo-product-images';
    const ackedBefore = await acked(bus);
    const samples = await announceDemoSamples({ bus: uploader, storeUrl: join(root, '{bucket}'), bucket: demoBucket, size: SIZE, prefix: 'demo/' });
    expect(samples.map((s) => s.kind)).toEqual([...DEMO_KINDS]);
    // Handled means written and announced: the handler awaits both before the ack.
    expect(await eventually(async () => (await acked(bus)) - ackedBefore >= samples.length, 180_000, 250)).toBe(true);
    const events = (await drain(admin, 'image-enhanced.archiver', { expect: samples.length, quietMs: 5000 })).map((m) => ImageEnhanced.parse(JSON.parse(m.data.toString())) as ImageEnhancedEvent);
    expect(events.map((e) => e.source.name).sort()).toEqual(samples.map((s) => s.key).sort());
    const demoStore = createBlobStore(join(root, demoBucket));
    const ops = new Map(events.map((e) => [e.source.name.replace(/^demo\/\d+-/, '').replace('.jpg', ''), e.operations]));
    expect(ops.get('grey-backdrop')).toContain('background_white');
    expect(ops.get('noise')).toContain('denoise');
    for (const e of events) {
      const key = await beforeAfterSheet(demoStore, e);
      expect(key.startsWith('enhanced/compare/demo/')).toBe(true);
      expect((await demoStore.head(key))?.contentType).toBe('image/jpeg');
    }
  });

  it('enhances uploads, dead-letters hostile files with readable reasons, ignores its own outputs, and keeps running', async () => {
    const ackedBefore = await acked(bus);
    const clean = await cleanSample({ seed: 31, ...SIZE });
    const photos = {
      'catalogue/p-1/dark.jpg': await asJpeg(await degrade(clean, 'dark')),
      'catalogue/p-1/cast.jpg': await asJpeg(await degrade(clean, 'cast')),
      'catalogue/p-2/clean.jpg': await asJpeg(await cleanSample({ seed: 32, ...SIZE })),
    };
    const sent = [];
    for (const [key, data] of Object.entries(photos)) sent.push(await upload(key, data));
    await upload('catalogue/bomb.png', decompressionBombPng(), 'image/png');
    await upload('catalogue/cut.jpg', truncated(photos['catalogue/p-2/clean.jpg']));
    await upload('catalogue/error-page.jpg', textPretendingToBeJpeg());
    await upload('enhanced/00/feedback.jpg', photos['catalogue/p-2/clean.jpg']);
    // A repeated notification for the same generation: a duplicate, not a second enhancement.
    await uploader.publish(ImageUploaded, sent[0]!);

    expect(await eventually(async () => (await acked(bus)) - ackedBefore >= 4, 120_000, 250)).toBe(true);

    const enhanced = (await drain(admin, 'image-enhanced.archiver', { expect: 3, quietMs: 3000 })).map((m) => ImageEnhanced.parse(JSON.parse(m.data.toString())) as ImageEnhancedEvent);
    expect(enhanced.map((e) => e.source.name).sort()).toEqual(Object.keys(photos).sort());
    for (const e of enhanced) {
      expect(e.variants).toHaveLength(2 * 2 * 3);
      for (const v of e.variants) expect((await store.head(v.key))?.size).toBe(v.bytes);
    }
    const byName = new Map(enhanced.map((e) => [e.source.name, e]));
    expect(byName.get('catalogue/p-1/dark.jpg')!.operations).toContain('levels');
    expect(byName.get('catalogue/p-1/cast.jpg')!.operations).toContain('white_balance');
    expect(byName.get('catalogue/p-2/clean.jpg')!.operations).toEqual(['smart_crop']);

    const dead = await drain(admin, deadLetterSubscriptionName(SUBSCRIPTIONS.imageUploaded), { expect: 3, quietMs: 3000 });
    const reasons = dead.map((m) => [m.attributes['objectId'], m.attributes[DeadLetterAttributes.Code], m.attributes[DeadLetterAttributes.Reason]]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(reasons).toEqual([
      ['catalogue/bomb.png', 'IMAGE_TOO_MANY_PIXELS', expect.stringContaining('50000x50000 = 2500000000 pixels')],
      ['catalogue/cut.jpg', 'IMAGE_CORRUPT', expect.stringContaining('truncated or corrupt')],
      ['catalogue/error-page.jpg', 'IMAGE_FORMAT_NOT_ALLOWED', expect.stringContaining('not an image: the content is text')],
    ]);
    for (const m of dead) expect(m.attributes[DeadLetterAttributes.Subscription]).toBe(SUBSCRIPTIONS.imageUploaded);

    // Still up, and nothing left half done: no nacks, the feedback object produced nothing.
    const readyz = await service.app.inject({ method: 'GET', url: '/readyz' });
    expect(readyz.json()).toMatchObject({ ready: true, subscriptions: [{ open: true, inFlight: 0 }] });
    const metrics = (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('image_enhancer_skipped_total{reason="own_output"} 1');
    expect(metrics).toContain(`eventkit_published_total{topic="image-enhanced"} ${3 + DEMO_KINDS.length}`);
    expect(metrics).not.toContain('eventkit_messages_nacked_total{');
    expect((await store.list('enhanced/')).items.filter((i) => i.key.includes('feedback'))).toHaveLength(1);
  });
});
