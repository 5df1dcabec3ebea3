/**
 * `make bench-images`: the same images through the whole service (Pub/Sub emulator, blob
 * store, events) and, in the same run, through the bare pipeline (no messaging, no storage),
 * with the same concurrency. Last line: one JSON object.
 */
import { ImageEnhanced, ImageUploaded } from '@commerce/contracts';
import { startPubSubEmulator } from '@commerce/emulators';
import { PubSubEventBus, createPubSubClient } from '@commerce/event-kit';
import { loadConfig } from '@commerce/service-kit';
import { loadTopology, provision } from '@commerce/topology';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { buildApp } from '../app.js';
import { ImageEnhancerConfig } from '../config.js';
import { storageNotification } from '../domain/announce.js';
import { pipelineFromConfig } from '../domain/from-config.js';
import { asJpeg, cleanSample, degrade, DEGRADATIONS } from '../domain/samples.js';
import { bucketStores } from '../domain/outputs.js';

const opts = new Command()
  .option('--images <n>', 'images per side', '40')
  .option('--concurrency <n>', 'images at once on both sides (IMAGE_CONCURRENCY)', '2')
  .parse()
  .opts<{ images: string; concurrency: string }>();
const N = Number(opts.images);
const PROJECT = 'bench-images';
const BUCKET = 'bench-bucket';
const KINDS = ['clean', ...DEGRADATIONS] as const;

async function pool<T>(items: readonly T[], concurrency: number, work: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'bench-images-'));
  const bars = new cliProgress.MultiBar({ format: '{side} {bar} {value}/{total} | {rate} img/s', hideCursor: true }, cliProgress.Presets.shades_classic);
  try {
    const gen = bars.create(N, 0, { side: 'generate', rate: '-' });
    const images: Array<{ key: string; data: Buffer }> = [];
    for (let i = 0; i < N; i++) {
      const kind = KINDS[i % KINDS.length]!;
      const clean = await cleanSample({ seed: 5000 + i });
      images.push({ key: `bench/${String(i).padStart(4, '0')}-${kind}.jpg`, data: await asJpeg(kind === 'clean' ? clean : await degrade(clean, kind, i)) });
      gen.increment();
    }
    const env = { GOOGLE_CLOUD_PROJECT: PROJECT, BLOB_STORE_URL: join(root, '{bucket}'), IMAGE_CONCURRENCY: opts.concurrency, LOG_LEVEL: 'silent' };
    const config = loadConfig(ImageEnhancerConfig, env, 'image-enhancer') as unknown as ImageEnhancerConfig;
    const concurrency = config.IMAGE_CONCURRENCY;

    // Bare pipeline: bytes in, variants out, nothing else. Two warm-up images first (JIT).
    const pipeline = pipelineFromConfig(config, pino({ level: 'silent' }));
    for (const img of images.slice(0, 2)) await pipeline.process(img.data, img.key);
    const rawBar = bars.create(N, 0, { side: 'raw    ', rate: '-' });
    const r0 = performance.now();
    await pool(images, concurrency, async (img) => {
      await pipeline.process(img.data, img.key);
      rawBar.increment({ rate: ((rawBar.getProgress() * N + 1) / ((performance.now() - r0) / 1000)).toFixed(2) });
    });
    const rawSeconds = (performance.now() - r0) / 1000;

    // Whole service: emulator, the real topology, blob store, events in and out.
    const emulator = await startPubSubEmulator({ projectId: PROJECT });
    let serviceSeconds = 0;
    let deadLettered = 0;
    let written = 0;
    try {
      const admin = createPubSubClient({ projectId: PROJECT, emulatorHost: emulator.host });
      await provision(admin, loadTopology('local'));
      const store = bucketStores(config.BLOB_STORE_URL)(BUCKET);
      const events = [];
      for (const img of images) events.push(storageNotification(BUCKET, await store.put(img.key, img.data, { contentType: 'image/jpeg' })));
      const logger = pino({ level: 'silent' });
      const metricsRegistry = new Registry();
      const bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId: PROJECT, emulatorHost: emulator.host }), source: 'image-enhancer', logger, metricsRegistry, maxInFlight: config.MAX_IN_FLIGHT });
      const service = await buildApp({ config: { ...config, PUBSUB_EMULATOR_HOST: emulator.host }, logger, bus, metricsRegistry });
      await Promise.all(service.subscriptions.map((s) => s.ready));
      const monitor = new PubSubEventBus({ pubsub: createPubSubClient({ projectId: PROJECT, emulatorHost: emulator.host }), source: 'bench' });
      const svcBar = bars.create(N, 0, { side: 'service', rate: '-' });
      let done = 0;
      let t0 = 0;
      let finished!: () => void;
      const all = new Promise<void>((r) => (finished = r));
      const seen = new Set<string>();
      const handle = monitor.subscribe(ImageEnhanced, 'image-enhanced.archiver', async (e) => {
        if (seen.has(e.source.name)) return;
        seen.add(e.source.name);
        done++;
        svcBar.increment({ rate: (done / ((performance.now() - t0) / 1000)).toFixed(2) });
        if (done === N) finished();
      });
      await handle.ready;
      t0 = performance.now();
      await Promise.all(events.map((e) => monitor.publish(ImageUploaded, e)));
      await all;
      serviceSeconds = (performance.now() - t0) / 1000;
      const metric = async (name: string): Promise<number> => ((await metricsRegistry.getSingleMetric(name)?.get())?.values ?? []).reduce((s, v) => s + v.value, 0);
      deadLettered = await metric('eventkit_messages_dead_lettered_total');
      written = await metric('image_enhancer_objects_written_total');
      await service.app.close();
      await monitor.close();
      await admin.close();
    } finally {
      await emulator.stop();
    }
    bars.stop();
    const rawRate = N / rawSeconds;
    const serviceRate = N / serviceSeconds;
    console.log(`raw      ${N} images in ${rawSeconds.toFixed(1)} s: ${rawRate.toFixed(2)} img/s (concurrency ${concurrency}, decode + analyse + enhance + ${pipeline.options.variants.aspects.length * pipeline.options.variants.widths.length * pipeline.options.variants.formats.length} encodes)`);
    console.log(`service  ${N} images in ${serviceSeconds.toFixed(1)} s: ${serviceRate.toFixed(2)} img/s (emulator, blob store, ${written} objects written, ${deadLettered} dead-lettered)`);
    console.log(JSON.stringify({ bench: 'images', images: N, service_img_per_s: round(serviceRate), raw_img_per_s: round(rawRate), ratio: round(serviceRate / rawRate) }));
  } finally {
    bars.stop();
    await rm(root, { recursive: true, force: true });
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

main().catch((err: unknown) => {
  console.error(`bench-images: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
