/**
 * `make bench-images`: the same images through the whole service (Pub/Sub emulator, blob
 * store, events) and, in the same run, through the bare pipeline (no messaging, no storage),
 * with the same concurrency. Last line: one JSON object.
 *
 * Both sides count whole images: decode, measure, enhance and every variant encoded. The
 * service side adds what a deployment pays for: the notification, reading the original from
 * the blob store, writing variants and manifest, and publishing image-enhanced.
 */
import { ImageEnhanced, ImageUploaded } from '@commerce/contracts';
import { startPubSubEmulator } from '@commerce/emulators';
import { PubSubEventBus, createPubSubClient } from '@commerce/event-kit';
import { loadConfig } from '@commerce/service-kit';
import { loadTopology, provision } from '@commerce/topology';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { buildApp } from '../app.js';
import { ImageEnhancerConfig } from '../config.js';
import { storageNotification } from '../domain/announce.js';
import { pipelineFromConfig } from '../domain/from-config.js';
import { bucketStores } from '../domain/outputs.js';
import { asJpeg, cleanSample, degrade, DEGRADATIONS } from '../domain/samples.js';

const opts = new Command()
  .option('--images <n>', 'images per side', '40')
  .option('--concurrency <n>', 'images at once on both sides (IMAGE_CONCURRENCY)', '2')
  .option('--rounds <n>', 'alternations of raw and service (the images are split between them)', '2')
  .parse()
  .opts<{ images: string; concurrency: string; rounds: string }>();
const N = Number(opts.images);
const PROJECT = 'bench-images';
const KINDS = ['clean', ...DEGRADATIONS] as const;

async function pool<T>(items: readonly T[], concurrency: number, work: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

interface Side {
  seconds: number;
  images: number;
  cpuMs: number;
}

/**
 * Sides alternate (raw, service, raw, service, ...), each round on its own images: on a shared
 * machine the load drifts, and alternating spreads that drift over both sides instead of
 * handing it to whichever ran second. Each side's rate is its images over its seconds.
 */
async function main(): Promise<void> {
  const rounds = Number(opts.rounds);
  const root = await mkdtemp(join(tmpdir(), 'bench-images-'));
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const bar = new cliProgress.SingleBar({ format: '{side} {bar} {value}/{total} | {rate} img/s', hideCursor: true }, cliProgress.Presets.shades_classic);
  const emulator = await startPubSubEmulator({ projectId: PROJECT });
  try {
    const env = { GOOGLE_CLOUD_PROJECT: PROJECT, PUBSUB_EMULATOR_HOST: emulator.host, BLOB_STORE_URL: join(root, '{bucket}'), IMAGE_CONCURRENCY: opts.concurrency, LOG_LEVEL: 'silent' };
    const config = loadConfig(ImageEnhancerConfig, env, 'image-enhancer') as unknown as ImageEnhancerConfig;
    const concurrency = config.IMAGE_CONCURRENCY;
    const perRound = Math.ceil(N / rounds);

    // One service for every round: the real topology, blob store, events in and out.
    const admin = createPubSubClient({ projectId: PROJECT, emulatorHost: emulator.host });
    await provision(admin, loadTopology('local'));
    const logger = pino({ level: 'silent' });
    const metricsRegistry = new Registry();
    const bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId: PROJECT, emulatorHost: emulator.host }), source: 'image-enhancer', logger, metricsRegistry, maxInFlight: config.MAX_IN_FLIGHT });
    const service = await buildApp({ config, logger, bus, metricsRegistry }, {});
    await Promise.all(service.subscriptions.map((s) => s.ready));
    const monitor = new PubSubEventBus({ pubsub: createPubSubClient({ projectId: PROJECT, emulatorHost: emulator.host }), source: 'bench' });
    let onEnhanced: (name: string) => void = () => undefined;
    const handle = monitor.subscribe(ImageEnhanced, 'image-enhanced.archiver', async (e) => onEnhanced(e.source.name));
    await handle.ready;

    // The bare pipeline, warmed up (JIT) on two images that are not measured.
    const pipeline = pipelineFromConfig(config, pino({ level: 'silent' }));
    const warm = await asJpeg(await cleanSample({ seed: 4999 }));
    for (let i = 0; i < 2; i++) await pipeline.process(warm, 'warm-up');

    const raw: Side = { seconds: 0, images: 0, cpuMs: 0 };
    const svc: Side = { seconds: 0, images: 0, cpuMs: 0 };
    for (let round = 0; round < rounds; round++) {
      const count = Math.min(perRound, N - round * perRound);
      if (count <= 0) break;
      const images: Array<{ key: string; data: Buffer }> = [];
      for (let i = round * perRound; i < round * perRound + count; i++) {
        const kind = KINDS[i % KINDS.length]!;
        const clean = await cleanSample({ seed: 5000 + i });
        images.push({ key: `bench/${String(i).padStart(4, '0')}-${kind}.jpg`, data: await asJpeg(kind === 'clean' ? clean : await degrade(clean, kind, i)) });
      }

      bar.start(count, 0, { side: `raw     round ${round + 1}`, rate: '-' });
      let cpu = process.cpuUsage();
      let t0 = performance.now();
      let n = 0;
      await pool(images, concurrency, async (img) => {
        await pipeline.process(img.data, img.key);
        bar.update(++n, { rate: (n / ((performance.now() - t0) / 1000)).toFixed(2) });
      });
      raw.seconds += (performance.now() - t0) / 1000;
      raw.images += count;
      raw.cpuMs += cpuMs(process.cpuUsage(cpu));
      bar.stop();

      // Uploads are the producer's work, not the service's: done before the clock starts.
      const bucket = `bench-bucket-${round}`;
      const store = bucketStores(config.BLOB_STORE_URL)(bucket);
      const events = [];
      for (const img of images) events.push(storageNotification(bucket, await store.put(img.key, img.data, { contentType: 'image/jpeg' })));
      bar.start(count, 0, { side: `service round ${round + 1}`, rate: '-' });
      const seen = new Set<string>();
      const all = new Promise<void>((resolve) => {
        onEnhanced = (name) => {
          if (seen.has(name)) return;
          seen.add(name);
          bar.update(seen.size, { rate: (seen.size / ((performance.now() - t0) / 1000)).toFixed(2) });
          if (seen.size === count) resolve();
        };
      });
      cpu = process.cpuUsage();
      t0 = performance.now();
      await Promise.all(events.map((e) => monitor.publish(ImageUploaded, e)));
      await all;
      svc.seconds += (performance.now() - t0) / 1000;
      svc.images += count;
      svc.cpuMs += cpuMs(process.cpuUsage(cpu));
      bar.stop();
    }
    const metric = async (name: string): Promise<number> => ((await metricsRegistry.getSingleMetric(name)?.get())?.values ?? []).reduce((s, v) => s + v.value, 0);
    const deadLettered = await metric('eventkit_messages_dead_lettered_total');
    const written = await metric('image_enhancer_objects_written_total');
    await service.app.close();
    await monitor.close();
    await admin.close();

    const rawRate = raw.images / raw.seconds;
    const serviceRate = svc.images / svc.seconds;
    const encodes = pipeline.options.variants.aspects.length * pipeline.options.variants.widths.length * pipeline.options.variants.formats.length;
    log('');
    console.log(`raw      ${raw.images} images in ${raw.seconds.toFixed(1)} s: ${rawRate.toFixed(3)} img/s, ${(raw.cpuMs / raw.images).toFixed(0)} ms CPU per image (concurrency ${concurrency}, decode + analyse + enhance + ${encodes} encodes)`);
    console.log(`service  ${svc.images} images in ${svc.seconds.toFixed(1)} s: ${serviceRate.toFixed(3)} img/s, ${(svc.cpuMs / svc.images).toFixed(0)} ms CPU per image in the service process (emulator, blob store, ${written} objects written, ${deadLettered} dead-lettered)`);
    console.log(`rounds   ${rounds}, alternating raw and service; load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${availableParallelism()} cores`);
    console.log(JSON.stringify({ bench: 'images', images: svc.images, service_img_per_s: round(serviceRate), raw_img_per_s: round(rawRate), ratio: round(serviceRate / rawRate) }));
  } finally {
    bar.stop();
    await emulator.stop();
    await rm(root, { recursive: true, force: true });
  }
}

const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;

const round = (x: number): number => Math.round(x * 1000) / 1000;

main().catch((err: unknown) => {
  console.error(`bench-images: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
