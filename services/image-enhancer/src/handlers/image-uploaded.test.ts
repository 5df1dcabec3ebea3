import { ImageEnhanced, ImageUploaded } from '@commerce/contracts';
import { LocalBlobStore } from '@commerce/blob-store';
import { DeadLetterAttributes, InMemoryEventBus } from '@commerce/event-kit';
import { loadConfig } from '@commerce/service-kit';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Counter, Registry } from 'prom-client';
import sharp from 'sharp';
import { ImageEnhancerConfig } from '../config.js';
import { storageNotification } from '../domain/announce.js';
import { pipelineFromConfig } from '../domain/from-config.js';
import { decompressionBombPng, textPretendingToBeJpeg, truncated } from '../domain/hostile.js';
import { asJpeg, cleanSample, degrade } from '../domain/samples.js';
import { createImageUploadedHandler } from './image-uploaded.js';

const SUB = 'image-uploaded.image-enhancer';
const BUCKET = 'shop-product-images';

describe('image-uploaded handler (in-memory bus, local blob store)', () => {
  let root: string;
  let store: LocalBlobStore;
  let bus: InMemoryEventBus;
  let registry: Registry;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'image-enhancer-'));
    store = new LocalBlobStore({ root });
    bus = new InMemoryEventBus({ logger: pino({ level: 'silent' }) });
    registry = new Registry();
    const config = loadConfig(ImageEnhancerConfig, { GOOGLE_CLOUD_PROJECT: 't', TARGET_LONG_SIDE_PX: '400', VARIANT_WIDTHS: '160,400', VARIANT_ASPECTS: '1:1,3:4' }) as unknown as ImageEnhancerConfig;
    const handler = createImageUploadedHandler({
      bus,
      stores: () => store,
      pipeline: pipelineFromConfig(config, pino({ level: 'silent' })),
      outputPrefix: config.OUTPUT_PREFIX,
      maxInputBytes: config.MAX_INPUT_BYTES,
      metrics: {
        skipped: new Counter({ name: 'skipped', help: 'h', labelNames: ['reason'], registers: [registry] }),
        reused: new Counter({ name: 'reused', help: 'h', registers: [registry] }),
        written: new Counter({ name: 'written', help: 'h', registers: [registry] }),
      },
    });
    bus.subscribe(ImageUploaded, SUB, handler);
  });
  afterEach(async () => {
    await bus.close();
    await rm(root, { recursive: true, force: true });
  });

  async function upload(key: string, data: Buffer, contentType = 'image/jpeg') {
    const info = await store.put(key, data, { contentType });
    const event = storageNotification(BUCKET, info);
    await bus.publish(ImageUploaded, event);
    await bus.drain();
    return event;
  }
  const keys = async (prefix = 'enhanced/') => (await store.list(prefix)).items.map((i) => i.key);
  const metric = async (name: string) => (await registry.getSingleMetric(name)!.get()).values.reduce((s, v) => s + v.value, 0);

  it('writes every variant under content-hash keys and announces them with metrics, operations and timings', async () => {
    const photo = await sharp(await asJpeg(await degrade(await cleanSample({ seed: 3, width: 320, height: 400 }), 'dark')))
      .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '59/1 51/1 0/1' } })
      .jpeg()
      .toBuffer();
    const sent = await upload('catalogue/m-1/p-1/front.jpg', photo);
    const [out] = bus.published(ImageEnhanced);
    expect(bus.published(ImageEnhanced)).toHaveLength(1);
    const e = out!.event;
    expect(e.source).toMatchObject({ bucket: BUCKET, name: sent.name, generation: sent.generation });
    expect(e.source.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(e.provider).toBe('local');
    expect(e.operations).toEqual(expect.arrayContaining(['strip_metadata', 'levels', 'smart_crop']));
    expect(e.metricsAfter['exposureEv']!).toBeGreaterThan(e.metricsBefore['exposureEv']!);
    expect(Object.keys(e.timingsMs)).toEqual(expect.arrayContaining(['decode', 'analyse', 'enhance', 'encode']));
    // 2 aspects x 2 widths x 3 formats, each stored where the event says, keyed by the content hash.
    expect(e.variants).toHaveLength(12);
    expect(new Set(e.variants.map((v) => `${v.aspect} ${v.width}x${v.height} ${v.format}`)).size).toBe(12);
    for (const v of e.variants) {
      expect(v.key).toContain(e.source.contentHash);
      const stored = await store.get(v.key);
      expect(stored.length).toBe(v.bytes);
      const meta = await sharp(stored).metadata();
      expect([meta.format === 'heif' ? 'avif' : meta.format, meta.width, meta.height]).toEqual([v.format, v.width, v.height]);
      // Location privacy: nothing of the original's EXIF survives.
      expect(meta.exif).toBeUndefined();
    }
  });

  it('writes nothing new when the same content comes again (re-upload, redelivery, backfill)', async () => {
    const photo = await asJpeg(await cleanSample({ seed: 4, width: 320, height: 400 }));
    await upload('catalogue/a.jpg', photo);
    const first = await keys();
    const written = await metric('written');
    await upload('catalogue/copy-of-a.jpg', photo);
    expect(await keys()).toEqual(first);
    expect(await metric('written')).toBe(written);
    expect(await metric('reused')).toBe(1);
    const events = bus.published(ImageEnhanced).map((p) => p.event);
    expect(events).toHaveLength(2);
    expect(events[1]!.variants).toEqual(events[0]!.variants);
    expect(events[1]!.source.name).toBe('catalogue/copy-of-a.jpg');
  });

  it('treats a repeated notification for the same generation as a duplicate', async () => {
    const sent = await upload('catalogue/b.jpg', await asJpeg(await cleanSample({ seed: 5, width: 320, height: 400 })));
    await bus.publish(ImageUploaded, sent);
    await bus.drain();
    expect(bus.published(ImageEnhanced)).toHaveLength(1);
  });

  it('ignores its own outputs and objects that are not images, without dead-lettering them', async () => {
    await upload('enhanced/ab/loop.jpg', await asJpeg(await cleanSample({ seed: 6, width: 320, height: 400 })));
    await upload('catalogue/price-list.csv', Buffer.from('sku,price\n1,2\n'), 'text/csv');
    expect(bus.published(ImageEnhanced)).toHaveLength(0);
    expect(bus.deadLetters(SUB)).toHaveLength(0);
    expect(await keys()).toEqual(['enhanced/ab/loop.jpg']);
    const skipped = (await registry.getSingleMetric('skipped')!.get()).values.map((v) => [v.labels['reason'], v.value]);
    expect(skipped).toEqual(expect.arrayContaining([['own_output', 1], ['not_image', 1]]));
  });

  it('dead-letters a decompression bomb, a truncated file and a non-image named .jpg with readable reasons, and carries on', async () => {
    const good = await asJpeg(await cleanSample({ seed: 9, width: 320, height: 400 }));
    await upload('catalogue/bomb.png', decompressionBombPng(), 'image/png');
    await upload('catalogue/cut.jpg', truncated(good));
    await upload('catalogue/error-page.jpg', textPretendingToBeJpeg());
    await upload('catalogue/fine.jpg', good);
    const dead = bus.deadLetters(SUB).map((m) => [JSON.parse(m.data.toString()).name, m.attributes[DeadLetterAttributes.Code], m.attributes[DeadLetterAttributes.Reason]]);
    expect(dead).toEqual([
      ['catalogue/bomb.png', 'IMAGE_TOO_MANY_PIXELS', expect.stringMatching(/bomb\.png#\d+: the png header declares 50000x50000 = 2500000000 pixels .*decompression bomb/)],
      ['catalogue/cut.jpg', 'IMAGE_CORRUPT', expect.stringMatching(/cut\.jpg#\d+: the jpeg data is truncated or corrupt/)],
      ['catalogue/error-page.jpg', 'IMAGE_FORMAT_NOT_ALLOWED', expect.stringMatching(/error-page\.jpg#\d+: not an image: the content is text/)],
    ]);
    for (const m of bus.deadLetters(SUB)) expect(m.attributes[DeadLetterAttributes.Retryable]).toBe('false');
    expect(bus.published(ImageEnhanced).map((p) => p.event.source.name)).toEqual(['catalogue/fine.jpg']);
  });
});
