/**
 * `make demo`: the whole system on the Pub/Sub emulator. Starts the emulator, provisions
 * the topology, starts every service, publishes realistic orders with a progress bar,
 * prints a summary a person can read, then keeps the stack up until Ctrl-C.
 * `make demo ONCE=1` exits after the summary, non-zero if any stage failed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CampaignCompleted, CampaignRequested, FraudAlert, ImageEnhanced, LookbookReady, OrderPlaced, OrderScored, ProductUpdated, type CampaignCompletedEvent, type ImageEnhancedEvent, type LookbookReadyEvent, type OrderPlacedEvent } from '@commerce/contracts';
import { writeProductImages } from '@commerce/creative-studio';
import { DEMO_BUCKET, announceDemoSamples, beforeAfterSheet } from '@commerce/image-enhancer';
import { canConnect, findRepoRoot, parseHostPort, startPubSubEmulator, type RunningEmulator } from '@commerce/emulators';
import { PubSubEventBus, createPubSubClient } from '@commerce/event-kit';
import { createBlobStore } from '@commerce/blob-store';
import { createWorld, type OrderTruth } from '@commerce/synthetic';
import { loadTopology, provision } from '@commerce/topology';
import cliProgress from 'cli-progress';
import { Command } from 'commander';

/** A token for the demo's ops console, new each run (printed in the summary, never logged by the console). */
const consoleToken = randomBytes(16).toString('hex');

/** Services the demo runs, each with its own settings on top of the common ones. */
const SERVICES: ReadonlyArray<{ name: string; port: number; env?: () => Record<string, string> }> = [
  { name: 'fraud-scorer', port: 8081 },
  { name: 'image-enhancer', port: 8082, env: () => ({ BLOB_STORE_URL: imageStoreUrl }) },
  // Lookbooks in the demo's blob store; product photos from the image bucket the enhancer serves.
  { name: 'creative-studio', port: 8083, env: () => ({ PRODUCT_IMAGES_URL: imageStoreUrl, PRODUCT_IMAGES_BUCKET: PRODUCT_BUCKET, PAGE_WIDTH_PX: '720', PAGE_HEIGHT_PX: '900' }) },
  { name: 'event-archiver', port: 8090 },
  {
    name: 'ops-console',
    port: 8095,
    env: () => ({ OPS_CONSOLE_TOKEN: consoleToken, SERVICE_URLS: SERVICES.filter((s) => s.name !== 'ops-console').map((s) => `${s.name}=http://127.0.0.1:${s.port}`).join(',') }),
  },
];
const PROJECT = 'local';
const DEFAULT_EMULATOR_PORT = 8085;

interface Stage {
  name: string;
  ok: boolean;
  detail: string;
}

const opts = new Command()
  .name('demo')
  .option('--once', 'exit after the summary; non-zero if any stage failed', false)
  .option('--orders <n>', 'orders to publish', (v) => Number(v), 2000)
  // Shopper ordering keys cost one publish RPC each; 200/s is what the emulator sustains with
  // sub-second latency on two cores while also delivering (it is a broker on a laptop).
  .option('--rate <n>', 'orders per second', (v) => Number(v), 200)
  .option('--seed <n>', 'traffic seed', (v) => Number(v), 7)
  .option('--blobs <dir>', 'blob store directory (models, graph journal, labels, images, archive)', '.tmp/demo/blobs')
  .option('--train-orders <n>', 'orders in the world the fraud model is trained on (first run only)', (v) => Number(v), 10_000)
  .option('--train-epochs <n>', 'training epochs (first run only)', (v) => Number(v), 8)
  .option('--campaign-shoppers <n>', 'shoppers in the creative studio campaign', (v) => Number(v), 1000)
  .option('--history <n>', "earlier orders of the same world the scorer's graph starts with", (v) => Number(v), 4000)
  .parse()
  .opts<{ once: boolean; orders: number; rate: number; seed: number; history: number; trainOrders: number; trainEpochs: number; blobs: string; campaignShoppers: number }>();

const root = findRepoRoot() ?? process.cwd();
const logDir = join(root, '.tmp', 'demo');
mkdirSync(logDir, { recursive: true });
const stages: Stage[] = [];
const children: ChildProcess[] = [];
let emulator: RunningEmulator | undefined;
const say = (s: string): void => void process.stdout.write(`${s}\n`);
const stage = (name: string, ok: boolean, detail: string): void => {
  stages.push({ name, ok, detail });
  say(`${ok ? '✔' : '✘'} ${name.padEnd(22)} ${detail}`);
};

async function startEmulator(): Promise<string> {
  const given = process.env['PUBSUB_EMULATOR_HOST'];
  const reachable = (hostPort: string): Promise<boolean> => {
    const { host, port } = parseHostPort(hostPort);
    return canConnect(port, host);
  };
  if (given && (await reachable(given))) {
    stage('Pub/Sub emulator', true, `using the one already running at ${given}`);
    return given;
  }
  const port = (await reachable(`127.0.0.1:${DEFAULT_EMULATOR_PORT}`)) ? undefined : DEFAULT_EMULATOR_PORT;
  emulator = await startPubSubEmulator({ projectId: PROJECT, ...(port ? { port } : {}), logFile: join(logDir, 'pubsub-emulator.log') });
  stage('Pub/Sub emulator', true, `${emulator.host} (started in ${(emulator.startupMs / 1000).toFixed(1)} s, log .tmp/demo/pubsub-emulator.log)`);
  return emulator.host;
}

/** Product images: one local directory per bucket, as the enhancer maps `gs://{bucket}` in production. */
const imageStoreUrl = join(logDir, 'images', '{bucket}');
/** The catalogue's photos (generated per product) live in this bucket. */
const PRODUCT_BUCKET = 'shop-product-images';

/** Everything the services keep (models, graph journal, labels, images, archive) lives here for the demo. */
const blobDir = resolve(root, opts.blobs);

/**
 * The fraud scorer needs a trained model: the first demo run trains one on a synthetic world of its
 * own (another seed than the demo's traffic, so the demo scores orders the model never saw) and
 * later runs reuse it. Each run starts with an empty graph: the emulator is new, so is the world.
 */
async function prepareFraudModel(history: readonly OrderPlacedEvent[]): Promise<void> {
  const blobs = createBlobStore(blobDir);
  // The archive too: the emulator numbers message ids from 1 again, and the archiver (rightly, for
  // Pub/Sub, whose ids are unique) keeps one copy per message id.
  // The creative studio's projections and lookbooks too: its profiles are built from this run's traffic.
  for (const prefix of ['fraud-scorer/graph/', 'labels/fraud/', 'archive/', 'creative-studio/', 'lookbooks/']) {
    for (let page = await blobs.list(prefix); ; page = await blobs.list(prefix, { pageToken: page.nextPageToken! })) {
      for (const item of page.items) await blobs.delete(item.key);
      if (!page.nextPageToken) break;
    }
  }
  // The scorer starts warm, as one that has been running: the world's earlier orders are its
  // graph journal (the format it restores from at start), the later ones are the live traffic.
  await blobs.put('fraud-scorer/graph/journal/000000000001.jsonl', Buffer.from(history.map((o) => JSON.stringify(o)).join('\n') + '\n'));
  const latest = await blobs.head('models/fraud-gnn/latest.json');
  if (latest) {
    const { version } = JSON.parse((await blobs.get('models/fraud-gnn/latest.json')).toString('utf8')) as { version: string };
    stage('Fraud model', true, `fraud-gnn@${version} from ${opts.blobs} (delete ${opts.blobs} to retrain)`);
    return;
  }
  const t0 = Date.now();
  const log = join(logDir, 'train-fraud.log');
  const out = createWriteStream(log);
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', join(root, 'services/fraud-scorer/src/training/cli.ts'), 'train', '--store', blobDir, '--seed', String(opts.seed + 1000), '--orders', String(opts.trainOrders), '--epochs', String(opts.trainEpochs)], {
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  say('  training the fraud GNN on a synthetic world (first run only, about a minute; progress in .tmp/demo/train-fraud.log)');
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`training the fraud model failed (exit ${code}); see .tmp/demo/train-fraud.log`);
  const { version } = JSON.parse((await blobs.get('models/fraud-gnn/latest.json')).toString('utf8')) as { version: string };
  stage('Fraud model', true, `trained fraud-gnn@${version} in ${((Date.now() - t0) / 1000).toFixed(0)} s (report: .tmp/demo/train-fraud.log)`);
}

async function startService(name: string, port: number, emulatorHost: string, extraEnv: Record<string, string> = {}): Promise<void> {
  const log = createWriteStream(join(logDir, `${name}.log`));
  const child = spawn(process.execPath, [join(root, 'services', name, 'dist', 'server.js')], {
    // SUBSCRIBER_STREAMS: on the emulator each streaming pull is a thread scanning every ordering key every 50 ms (README).
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', GOOGLE_CLOUD_PROJECT: PROJECT, PUBSUB_EMULATOR_HOST: emulatorHost, LOG_FORMAT: 'json', BLOB_STORE_URL: blobDir, SUBSCRIBER_STREAMS: '1', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  children.push(child);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}; see .tmp/demo/${name}.log`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} was not ready within 60 s; see .tmp/demo/${name}.log`);
}

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function shutdown(code: number): Promise<never> {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
  await emulator?.stop();
  process.exit(code);
}

async function main(): Promise<void> {
  say(`Commerce intelligence demo: ${opts.orders} orders at ${opts.rate}/s through ${SERVICES.map((s) => s.name).join(', ')}\n`);
  const emulatorHost = await startEmulator();

  const pubsub = createPubSubClient({ projectId: PROJECT, emulatorHost });
  const changes = await provision(pubsub, loadTopology('local'));
  const created = changes.filter((c) => c.action === 'created').length;
  const drift = changes.filter((c) => c.action === 'drift');
  stage('Topology provisioned', drift.length === 0, `${changes.length} resources (${created} created, ${changes.length - created - drift.length} already there${drift.length ? `, ${drift.length} DRIFTED` : ''})`);

  // Traffic: a seeded synthetic world (shaped like the one the model was trained on, but another
  // seed), honest shoppers plus fraud rings, mules, card testing and takeovers.
  const world = createWorld({ seed: opts.seed, shoppers: 1200, fraudShare: 0.06 });
  const all = [...world.orders({ count: opts.history + opts.orders, ratePerSecond: 0.05 })];
  const history = all.slice(0, opts.history);
  const orders = all.slice(opts.history);
  await prepareFraudModel(history.map((o) => o.event));
  for (const s of SERVICES) {
    const t0 = Date.now();
    await startService(s.name, s.port, emulatorHost, s.env?.() ?? {});
    stage(`Service ${s.name}`, true, `ready on http://127.0.0.1:${s.port} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }

  // Watch the outputs through the demo's own subscriptions.
  const bus = new PubSubEventBus({ pubsub, source: 'traffic-generator' });
  const sentAt = new Map<string, number>();
  const truth = new Map<string, OrderTruth>();
  const decisions = new Map<string, string>();
  const modelVersions = new Set<string>();
  let coldStarts = 0;
  const latenciesMs: number[] = [];
  let alerts = 0;
  const monitors = [
    bus.subscribe(OrderScored, 'order-scored.demo-monitor', async (e) => {
      if (decisions.has(e.orderId)) return;
      decisions.set(e.orderId, e.decision);
      modelVersions.add(`${e.modelVersion} on ${e.backend}`);
      if (e.coldStart) coldStarts++;
      const t = sentAt.get(e.orderId);
      if (t !== undefined) latenciesMs.push(performance.now() - t);
    }),
    bus.subscribe(FraudAlert, 'fraud-alert.demo-monitor', async () => {
      alerts++;
    }),
  ];
  await Promise.all(monitors.map((m) => m.ready));

  // The catalogue the shoppers buy from, with a generated photo per product image, announced as
  // product-updated: the creative studio projects it, and the order traffic below builds its profiles.
  const t0Catalogue = Date.now();
  const products = world.products();
  const photos = await writeProductImages(createBlobStore(imageStoreUrl.replace('{bucket}', PRODUCT_BUCKET)), products, { width: 480 });
  await Promise.all(products.map((p) => bus.publish(ProductUpdated, p)));
  stage('Catalogue published', true, `${products.length} product-updated events, ${photos.length} photos generated in ${((Date.now() - t0Catalogue) / 1000).toFixed(1)} s (.tmp/demo/images/${PRODUCT_BUCKET})`);

  const bar = new cliProgress.SingleBar(
    {
      format: ' traffic {bar} {percentage}% | published {value}/{total} | scored {scored} | {rate} orders/s | ETA {eta_formatted}',
      noTTYOutput: true,
      notTTYSchedule: 2000,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(orders.length, 0, { scored: 0, rate: 0 });
  const started = performance.now();
  let publishFailures = 0;
  const inflight = new Set<Promise<unknown>>();
  for (let i = 0; i < orders.length; i++) {
    const o = orders[i]!;
    truth.set(o.event.orderId, o.truth);
    sentAt.set(o.event.orderId, performance.now());
    const p = bus.publish(OrderPlaced, o.event).catch(() => void publishFailures++);
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
    const due = started + ((i + 1) / opts.rate) * 1000;
    if (due > performance.now() || i % 50 === 0) {
      const elapsed = (performance.now() - started) / 1000;
      bar.update(i + 1, { scored: decisions.size, rate: Math.round((i + 1) / Math.max(elapsed, 0.001)) });
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    }
  }
  await Promise.all(inflight);
  const publishSeconds = (performance.now() - started) / 1000;
  const waitUntil = Date.now() + 60_000;
  while (decisions.size < orders.length - publishFailures && Date.now() < waitUntil) {
    bar.update(orders.length, { scored: decisions.size, rate: Math.round(orders.length / publishSeconds) });
    await new Promise((r) => setTimeout(r, 200));
  }
  bar.update(orders.length, { scored: decisions.size, rate: Math.round(orders.length / publishSeconds) });
  bar.stop();
  const totalSeconds = (performance.now() - started) / 1000;
  say('');
  stage('Traffic published', publishFailures === 0, `${orders.length - publishFailures} order-placed events in ${publishSeconds.toFixed(1)} s${publishFailures ? `, ${publishFailures} FAILED` : ''}`);
  stage('Every order scored', decisions.size === orders.length, `${decisions.size}/${orders.length} order-scored events in ${totalSeconds.toFixed(1)} s`);

  const fs = SERVICES[0]!;
  const deadLettered = await metric(fs.port, 'eventkit_messages_dead_lettered_total');
  const duplicates = await metric(fs.port, 'eventkit_duplicates_skipped_total');
  stage('Nothing dead-lettered', deadLettered === 0, deadLettered === 0 ? 'dead-letter topics are empty' : `${deadLettered} messages dead-lettered: see .tmp/demo/fraud-scorer.log`);

  // Images: eight product photos (clean, blurred, noisy, dark, colour cast, small, grey and cluttered
  // backdrops) uploaded and announced as Cloud Storage notifications; the enhancer answers each.
  const enhanced: ImageEnhancedEvent[] = [];
  const imageMonitor = bus.subscribe(ImageEnhanced, 'image-enhanced.demo-monitor', async (e) => {
    enhanced.push(e);
  });
  await imageMonitor.ready;
  const t0Images = Date.now();
  const samples = await announceDemoSamples({ bus, storeUrl: imageStoreUrl });
  for (const until = Date.now() + 180_000; enhanced.length < samples.length && Date.now() < until; ) await new Promise((r) => setTimeout(r, 250));
  const imageStore = createBlobStore(imageStoreUrl.replace('{bucket}', DEMO_BUCKET));
  const sheets: string[] = [];
  for (const e of enhanced) sheets.push(await beforeAfterSheet(imageStore, e).catch((err: unknown) => `(no sheet: ${(err as Error).message})`));
  const opsApplied = enhanced.map((e) => `${e.source.name.split('-').slice(1).join('-').replace('.jpg', '')}: ${e.operations.join('+') || 'left alone'}`);
  stage('Images enhanced', enhanced.length === samples.length, `${enhanced.length}/${samples.length} photos in ${((Date.now() - t0Images) / 1000).toFixed(1)} s; before/after sheets in ${sheets.length ? dirname(sheets[0]!) : '-'}`);

  // Every event of the run reaches the archive (order-placed, order-scored, fraud-alert), written
  // before it is acked; the archiver flushes about every half second.
  const archivedExpected = orders.length * 2 + alerts + samples.length * 2;
  let archived = 0;
  for (const until = Date.now() + 30_000; Date.now() < until; await new Promise((r) => setTimeout(r, 500))) {
    archived = await metric(8090, 'archiver_messages_archived_total');
    if (archived >= archivedExpected) break;
  }
  stage('Events archived', archived >= archivedExpected, `${archived} events in ${opts.blobs}/…/archive (orders, scores, alerts, images), hourly segments with manifests`);

  // The creative studio: a campaign for the shoppers the traffic brought (and others of the world,
  // cold starts, up to --campaign-shoppers), rendered in batches, watched on demo-monitor subscriptions.
  const studio = SERVICES.find((s) => s.name === 'creative-studio')!;
  for (const until = Date.now() + 120_000; Date.now() < until; await new Promise((r) => setTimeout(r, 500))) {
    if ((await metric(studio.port, 'creative_studio_projection_updates_total{projection="profiles"')) >= orders.length - publishFailures) break;
  }
  const audience = [...new Set([...orders.map((o) => o.event.userId), ...world.shoppers().map((s) => s.userId)])].slice(0, opts.campaignShoppers);
  const campaignId = 'c-demo-new-season';
  const lookbooks: LookbookReadyEvent[] = [];
  let campaignDone: CampaignCompletedEvent | undefined;
  const studioMonitors = [
    bus.subscribe(LookbookReady, 'lookbook-ready.demo-monitor', async (e) => {
      if (e.campaignId === campaignId) lookbooks.push(e);
    }),
    bus.subscribe(CampaignCompleted, 'campaign-completed.demo-monitor', async (e) => {
      if (e.campaignId === campaignId) campaignDone = e;
    }),
  ];
  await Promise.all(studioMonitors.map((m) => m.ready));
  const t0Campaign = Date.now();
  await bus.publish(CampaignRequested, {
    ...CampaignRequested.example,
    campaignId,
    name: 'Ny säsong',
    theme: 'nya säsong',
    brief: 'Personal picks for the new season, built around what each shopper already buys.',
    audience: { shopperIds: audience },
    formats: ['image', 'video'],
    locale: 'sv-SE',
    budget: { value: 0, currency: 'SEK' },
    requestedBy: 'demo',
    requestedAt: new Date().toISOString(),
  });
  const lbBar = new cliProgress.SingleBar({ format: ' lookbooks {bar} {percentage}% | {value}/{total} | {rate} lookbooks/s', noTTYOutput: true, notTTYSchedule: 5000, hideCursor: true }, cliProgress.Presets.shades_classic);
  lbBar.start(audience.length, 0, { rate: 0 });
  for (const until = Date.now() + 30 * 60_000; !campaignDone && Date.now() < until; await new Promise((r) => setTimeout(r, 500))) {
    lbBar.update(lookbooks.length, { rate: (lookbooks.length / ((Date.now() - t0Campaign) / 1000)).toFixed(1) });
  }
  lbBar.update(lookbooks.length);
  lbBar.stop();
  const lookbookSeconds = (Date.now() - t0Campaign) / 1000;
  const example = lookbooks[0];
  const done = campaignDone as CampaignCompletedEvent | undefined;
  stage(
    'Lookbooks made',
    done !== undefined && done.lookbooksReady + done.failures === audience.length && done.lookbooksReady > 0,
    done
      ? `${done.lookbooksReady}/${done.shoppersTargeted} lookbooks in ${lookbookSeconds.toFixed(1)} s (${(done.lookbooksReady / lookbookSeconds).toFixed(1)}/s), ${done.failures} failures${done.failures ? ` ${JSON.stringify(done.failureReasons)}` : ''}; one campaign-completed`
      : `campaign-completed not seen within 30 minutes (${lookbooks.length} lookbook-ready so far); see .tmp/demo/creative-studio.log`,
  );

  // What a person wants to know: how fast, what was decided, and how good it was.
  const sorted = latenciesMs.sort((a, b) => a - b);
  const count = (d: string): number => [...decisions.values()].filter((x) => x === d).length;
  const fraud = [...truth.entries()].filter(([, t]) => t.fraud);
  const flagged = [...decisions.entries()].filter(([, d]) => d !== 'approve');
  const caught = fraud.filter(([id]) => (decisions.get(id) ?? 'approve') !== 'approve').length;
  const truePositives = flagged.filter(([id]) => truth.get(id)?.fraud).length;
  const byPattern = new Map<string, { n: number; caught: number }>();
  for (const [id, t] of fraud) {
    const p = byPattern.get(t.pattern) ?? { n: 0, caught: 0 };
    p.n++;
    if ((decisions.get(id) ?? 'approve') !== 'approve') p.caught++;
    byPattern.set(t.pattern, p);
  }
  say('\nSummary');
  say(`  throughput     ${(decisions.size / totalSeconds).toFixed(0)} orders/s end to end (publish -> score -> order-scored)`);
  say(`  latency        p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p95 ${percentile(sorted, 0.95).toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms (order-placed published -> order-scored received)`);
  say(`  decisions      ${count('approve')} approve, ${count('review')} review, ${count('decline')} decline; ${alerts} fraud alerts`);
  say(`  detection      caught ${caught}/${fraud.length} fraudulent orders (recall ${(100 * caught / Math.max(fraud.length, 1)).toFixed(0)}%), ${truePositives}/${flagged.length} flagged orders were fraud (precision ${(100 * truePositives / Math.max(flagged.length, 1)).toFixed(0)}%) - ${[...modelVersions].join(', ')}`);
  say(`  by pattern     ${[...byPattern.entries()].map(([p, v]) => `${p} ${v.caught}/${v.n}`).join(', ')}`);
  say(`  cold starts    ${coldStarts} orders from shoppers seen for the first time, scored and marked as such`);
  say(`  redeliveries   ${duplicates} duplicate deliveries skipped by idempotency`);
  say(`  images         ${opsApplied.join('; ')}`);
  if (example) {
    const shopperPath = `${encodeURIComponent(campaignId)}/${encodeURIComponent(example.shopperId)}`;
    say(`  lookbooks      ${lookbooks.length} for campaign ${campaignId} under ${opts.blobs}/objects/lookbooks.d/${campaignId}.d/<shopper>.d/ (index.html, page-N.webp, slideshow.webp, manifest.json)`);
    say(`  a lookbook     http://127.0.0.1:${studio.port}/lookbooks/${shopperPath}/  ("${example.title}", ${example.productIds.length} products); file ${resolve(blobDir, 'objects', 'lookbooks.d', `${campaignId}.d`, `${example.shopperId}.d`, 'index.html')}`);
    say(`  campaign       http://127.0.0.1:${studio.port}/campaigns/${campaignId}`);
  }
  say(`  ops console    http://127.0.0.1:8095 (token ${consoleToken}): topics, dead letters, archive, replay, fraud rings`);
  const failed = stages.filter((s) => !s.ok);
  say(failed.length === 0 ? '\nAll stages passed.' : `\n${failed.length} stage(s) FAILED: ${failed.map((s) => s.name).join(', ')}`);

  await bus.close();
  if (opts.once) await shutdown(failed.length === 0 ? 0 : 1);
  say(
    `\nThe stack is up. Try:\n` +
      `  ops console    http://127.0.0.1:8095  (sign in with token ${consoleToken})\n` +
      `  ops CLI        PUBSUB_EMULATOR_HOST=${emulatorHost} GOOGLE_CLOUD_PROJECT=${PROJECT} BLOB_STORE_URL=${opts.blobs} npx commerce-ops trace <order id>\n` +
      `  scorer         curl http://127.0.0.1:${fs.port}/healthz   (model, backend, graph store, time per phase)\n` +
      `  service logs in .tmp/demo/\nPress Ctrl-C to stop.`,
  );
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
}

main().catch(async (err: unknown) => {
  stage('Demo', false, (err as Error)?.message ?? String(err));
  await shutdown(1);
});
