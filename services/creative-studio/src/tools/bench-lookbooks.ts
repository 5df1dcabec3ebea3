/**
 * `make bench-lookbooks`: a campaign of N shoppers end to end through the Pub/Sub emulator with
 * the local provider: campaign-requested -> plan -> batches -> lookbooks -> lookbook-ready ->
 * campaign-completed. The catalogue (with generated photos) and the order traffic that builds
 * the profiles are loaded before the clock starts. Last line: one JSON object.
 */
import { CampaignCompleted, CampaignRequested, LookbookReady, OrderPlaced, ProductUpdated, type CampaignCompletedEvent } from '@commerce/contracts';
import { createBlobStore } from '@commerce/blob-store';
import { startPubSubEmulator } from '@commerce/emulators';
import { PubSubEventBus, createPubSubClient } from '@commerce/event-kit';
import { loadConfig } from '@commerce/service-kit';
import { createWorld } from '@commerce/synthetic';
import { loadTopology, provision } from '@commerce/topology';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { buildApp } from '../app.js';
import { CreativeStudioConfig } from '../config.js';
import { writeProductImages } from '../domain/product-images.js';

const opts = new Command()
  .option('--shoppers <n>', 'shoppers in the campaign', '200')
  .option('--batch-size <n>', 'CAMPAIGN_BATCH_SIZE', '25')
  .option('--concurrency <n>', 'LOOKBOOK_CONCURRENCY', '2')
  .parse()
  .opts<{ shoppers: string; batchSize: string; concurrency: string }>();
const N = Number(opts.shoppers);
const PROJECT = 'bench-lookbooks';

async function main(): Promise<void> {
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const root = await mkdtemp(join(tmpdir(), 'bench-lookbooks-'));
  const emulator = await startPubSubEmulator({ projectId: PROJECT });
  try {
    const admin = createPubSubClient({ projectId: PROJECT, emulatorHost: emulator.host });
    await provision(admin, loadTopology('local'));
    const env = { GOOGLE_CLOUD_PROJECT: PROJECT, PUBSUB_EMULATOR_HOST: emulator.host, BLOB_STORE_URL: root, CAMPAIGN_BATCH_SIZE: opts.batchSize, LOOKBOOK_CONCURRENCY: opts.concurrency, LOG_LEVEL: 'silent' };
    const config = loadConfig(CreativeStudioConfig, env, 'creative-studio') as unknown as CreativeStudioConfig;
    const logger = pino({ level: 'silent' });
    const registry = new Registry();
    const bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId: PROJECT, emulatorHost: emulator.host }), source: 'creative-studio', logger, metricsRegistry: registry, maxInFlight: config.MAX_IN_FLIGHT });
    const perLookbookMs: number[] = [];
    const service = await buildApp({ config, logger, bus, metricsRegistry: registry }, { onLookbook: (ms) => perLookbookMs.push(ms) });
    await Promise.all(service.subscriptions.map((s) => s.ready));
    const traffic = new PubSubEventBus({ pubsub: createPubSubClient({ projectId: PROJECT, emulatorHost: emulator.host }), source: 'traffic-generator' });

    // The world: a catalogue with photos, and orders until N shoppers have a profile.
    const world = createWorld({ seed: 21, shoppers: Math.max(50, Math.ceil(N * 1.3)), products: 600, fraudShare: 0 });
    const products = world.products();
    log(`catalogue: ${products.length} products, writing photos`);
    await writeProductImages(createBlobStore(root), products);
    const orders = [];
    const shoppers = new Set<string>();
    for (const o of world.orders({ count: N * 20 })) {
      orders.push(o.event);
      shoppers.add(o.event.userId);
      if (shoppers.size >= N && orders.length >= N * 2) break;
    }
    const targeted = [...shoppers].slice(0, N);
    log(`traffic: ${orders.length} orders from ${shoppers.size} shoppers`);
    await Promise.all(products.map((p) => traffic.publish(ProductUpdated, p)));
    await Promise.all(orders.map((o) => traffic.publish(OrderPlaced, o)));
    const metric = async (name: string): Promise<number> => ((await registry.getSingleMetric(name)?.get())?.values ?? []).reduce((s, v) => s + v.value, 0);
    for (const until = Date.now() + 300_000; (await metric('creative_studio_projection_updates_total')) < products.length + orders.length && Date.now() < until; ) await new Promise((r) => setTimeout(r, 250));

    const bar = new cliProgress.SingleBar({ format: 'lookbooks {bar} {value}/{total} | {rate} lookbooks/s', hideCursor: true }, cliProgress.Presets.shades_classic);
    let readyCount = 0;
    let done: CampaignCompletedEvent | undefined;
    const monitor = new PubSubEventBus({ pubsub: createPubSubClient({ projectId: PROJECT, emulatorHost: emulator.host }), source: 'bench' });
    let t0 = 0;
    const watches = [
      monitor.subscribe(LookbookReady, 'lookbook-ready.demo-monitor', async () => {
        readyCount++;
        bar.update(readyCount, { rate: (readyCount / ((performance.now() - t0) / 1000)).toFixed(2) });
      }),
      monitor.subscribe(CampaignCompleted, 'campaign-completed.demo-monitor', async (e) => {
        done = e;
      }),
    ];
    await Promise.all(watches.map((w) => w.ready));
    bar.start(N, 0, { rate: '-' });
    const cpu = process.cpuUsage();
    t0 = performance.now();
    await traffic.publish(CampaignRequested, { ...CampaignRequested.example, campaignId: `c-bench-${N}`, audience: { shopperIds: targeted }, formats: ['image', 'video'], locale: 'en-GB', budget: { value: 0, currency: 'EUR' } });
    while (!done) await new Promise((r) => setTimeout(r, 100));
    const seconds = (performance.now() - t0) / 1000;
    const cpuMs = (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1000;
    bar.stop();
    const completed = done as CampaignCompletedEvent;
    await service.app.close();
    await traffic.close();
    await monitor.close();
    await admin.close();
    const sorted = perLookbookMs.sort((a, b) => a - b);
    const pct = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
    const rate = completed.lookbooksReady / seconds;
    console.log(`campaign  ${completed.shoppersTargeted} shoppers, ${completed.lookbooksReady} lookbooks, ${completed.failures} failures ${JSON.stringify(completed.failureReasons)} in ${seconds.toFixed(1)} s (batches of ${opts.batchSize}, ${opts.concurrency} lookbooks at once, 1 instance)`);
    console.log(`lookbook  p50 ${pct(0.5).toFixed(0)} ms, p99 ${pct(0.99).toFixed(0)} ms (recommend, copy, 3 pages, slideshow, HTML, manifest, lookbook-ready); ${(cpuMs / Math.max(1, completed.lookbooksReady)).toFixed(0)} ms CPU per lookbook in the service process`);
    console.log(`machine   load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${availableParallelism()} cores`);
    console.log(JSON.stringify({ bench: 'lookbooks', shoppers: N, lookbooks_per_s: Math.round(rate * 100) / 100, p99_ms_per_lookbook: Math.round(pct(0.99)) }));
  } finally {
    await emulator.stop();
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench-lookbooks: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
