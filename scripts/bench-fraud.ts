/**
 * `make bench-fraud`: the fraud scorer end to end on a fresh Pub/Sub emulator, as a real service
 * process (services/fraud-scorer/dist/server.js, MODEL=gnn). In one run:
 *  1. the floor: the same path with no scorer (an in-process relay that turns each order-placed
 *     into an order-scored at once) at the same fixed rate, so the emulator's own latency for
 *     ordered traffic on this machine is known (p50/p99 `floor_*`), and the same relay draining
 *     a backlog as large as the scorer's, so the emulator's own ceiling is known too
 *     (`floor_max_eps`: no service that publishes one event per order drains faster here; and
 *     `floor_max_eps_scorer_streams`, the same on the scorer's number of streams);
 *  2. throughput: a backlog of orders is published while no scorer runs, then the scorer starts
 *     and drains it (max_eps: backlog / scorer ready -> last order-scored), which measures the
 *     scorer and the subscriber side, not how fast this one process can publish ordered messages.
 *     The CPU each process used meanwhile (scorer, emulator, this process) says which one bounds it;
 *  3. latency: orders at a fixed rate (publish -> order-scored received, p50/p99), and the time
 *     the scorer itself spent per order (order-scored `latencyMs`, `score_*`);
 *  4. the model alone at batch 1 and batch 256.
 * Last line: one JSON object.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OrderPlaced, OrderScored, type OrderPlacedEvent, type OrderScoredEvent } from '@commerce/contracts';
import { createBlobStore } from '@commerce/blob-store';
import { findRepoRoot, getFreePort, liveGroupMembers, startPubSubEmulator } from '@commerce/emulators';
import { PubSubEventBus, createPubSubClient, type EventContext } from '@commerce/event-kit';
import { createWorld } from '@commerce/synthetic';
import { loadTopology, provision } from '@commerce/topology';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { selectBackend } from '../services/fraud-scorer/src/domain/gnn/backend.js';
import { EntityGraph } from '../services/fraud-scorer/src/domain/gnn/features.js';
import { loadModel } from '../services/fraud-scorer/src/domain/gnn/registry.js';
import { sampleOrder } from '../services/fraud-scorer/src/domain/gnn/sampler.js';
import { COLOURS, panelSvg, svgToPng, type ChartSpec } from '../services/fraud-scorer/src/training/plots.js';

const opts = new Command()
  .option('--rate <n>', 'fixed publish rate for the latency phase, orders/s', (v) => Number(v), 200)
  .option('--seconds <n>', 'length of the fixed-rate phase', (v) => Number(v), 20)
  .option('--burst <n>', 'orders in the backlog the scorer drains for max_eps', (v) => Number(v), 10_000)
  .option('--max-in-flight <n>', "the scorer's MAX_IN_FLIGHT", (v) => Number(v), 1000)
  .option('--streams <n>', "the scorer's SUBSCRIBER_STREAMS: on the emulator each stream is a thread scanning every ordering key each 50 ms (see the README's settings)", (v) => Number(v), 1)
  .option('--history <n>', "earlier orders the scorer's graph starts with", (v) => Number(v), 4000)
  .option('--profile', 'write a CPU profile of the scorer to .tmp/bench-fraud/profile/', false)
  .parse()
  .opts<{ rate: number; seconds: number; burst: number; maxInFlight: number; streams: number; profile: boolean; history: number }>();

const PROJECT = 'bench';
const root = findRepoRoot() ?? process.cwd();
const dir = join(root, '.tmp', 'bench-fraud');
const blobDir = join(dir, 'blobs');
mkdirSync(dir, { recursive: true });
const say = (s: string): void => void process.stderr.write(`${s}\n`);

function run(cmd: string, args: string[], log: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = createWriteStream(log);
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed (exit ${code}); see ${log}`))));
  });
}

/** User + system CPU seconds a process has used so far (Linux /proc; NaN elsewhere). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/** CPU seconds used so far by a process and every live process in its group (the emulator's JVM under its launcher). */
function groupCpuSeconds(pid: number): number {
  return [...new Set([pid, ...liveGroupMembers(pid)])].reduce((sum, p) => sum + (cpuSeconds(p) || 0), 0);
}

/** This process's CPU seconds (user + system) so far. */
function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

const WINDOW_MS = 250;

/** One order of a fixed-rate phase: when it was published, its end-to-end latency and its time in the service (ms). */
interface TimelineRow {
  readonly sentMs: number;
  readonly latencyMs: number;
  readonly inServiceMs: number | undefined;
}

/**
 * One fixed-rate phase over time: the worst end-to-end latency and the worst time in the service
 * per window. A spike in both phases at once, or end to end with the service's own time flat, is
 * the emulator holding messages back, not the service.
 */
function latencyChart(phase: string, rows: readonly TimelineRow[]): ChartSpec {
  const worst = (pick: (r: TimelineRow) => number | undefined): Array<[number, number]> => {
    const byWindow = new Map<number, number>();
    for (const r of rows) {
      const v = pick(r);
      if (v === undefined) continue;
      const w = Math.floor(r.sentMs / WINDOW_MS);
      byWindow.set(w, Math.max(byWindow.get(w) ?? 0, v));
    }
    return [...byWindow].sort((a, b) => a[0] - b[0]).map(([w, v]) => [(w * WINDOW_MS) / 1000, v]);
  };
  const end = Math.max(...rows.map((r) => r.sentMs)) / 1000;
  const service = worst((r) => (phase === 'floor' ? undefined : r.inServiceMs));
  return {
    title: phase === 'floor' ? 'Relay that scores nothing (the emulator alone)' : 'Fraud scorer',
    xLabel: 'seconds into the phase (order published)',
    yLabel: `worst latency per ${WINDOW_MS} ms window, ms`,
    legend: 'top-right',
    series: [
      { label: 'order-placed -> order-scored', colour: COLOURS.gnn, points: worst((r) => r.latencyMs) },
      ...(service.length > 0 ? [{ label: 'inside the scorer', colour: COLOURS.baseline, points: service }] : []),
      { label: 'target p99 (50 ms)', colour: COLOURS.loss, dashed: true, points: [[0, 50], [end, 50]] as Array<[number, number]> },
    ],
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function main(): Promise<void> {
  const blobs = createBlobStore(blobDir);
  if (!(await blobs.head('models/fraud-gnn/latest.json'))) {
    say('training a model for the benchmark (once; kept in .tmp/bench-fraud/blobs)');
    await run(process.execPath, ['--conditions=development', '--import', 'tsx', join(root, 'services/fraud-scorer/src/training/cli.ts'), 'train', '--store', blobDir, '--seed', '4242'], join(dir, 'train.log'));
  }
  for (let page = await blobs.list('fraud-scorer/graph/'); ; page = await blobs.list('fraud-scorer/graph/', { pageToken: page.nextPageToken! })) {
    for (const item of page.items) await blobs.delete(item.key);
    if (!page.nextPageToken) break;
  }
  // Traffic shaped like production: a world like the one the model was trained on (another seed),
  // whose earlier orders are the scorer's graph when it starts, as for a scorer that has been running.
  const world = createWorld({ seed: 7, shoppers: 1200, fraudShare: 0.06 });
  const all = [...world.orders({ count: opts.history + opts.rate * opts.seconds + opts.burst, ratePerSecond: 0.05 })];
  await blobs.put('fraud-scorer/graph/journal/000000000001.jsonl', Buffer.from(all.slice(0, opts.history).map((o) => JSON.stringify(o.event)).join('\n') + '\n'));

  // The model alone, in this process, on the backend the service will pick too.
  const backend = await selectBackend('auto');
  const loaded = await loadModel(blobs);
  const graph = new EntityGraph();
  const sample = [...createWorld({ seed: 99, shoppers: 1200 }).orders({ count: 2000 })];
  for (const o of sample) graph.ingest(o.event);
  const subgraphs = sample.map((o) => sampleOrder(graph, o.event.orderId, { fanout: loaded.model.config.fanout }));
  const timeBatch = async (b: number): Promise<number> => {
    for (let w = 0; w < 3; w++) await loaded.model.predict(subgraphs.slice(0, b));
    const reps = Math.max(10, Math.floor(4000 / b));
    const t = performance.now();
    for (let r = 0; r < reps; r++) await loaded.model.predict(subgraphs.slice((r * b) % 1700, ((r * b) % 1700) + b));
    return ((performance.now() - t) * 1000) / reps;
  };
  const inferB1 = await timeBatch(1);
  const inferB256 = await timeBatch(256);
  loaded.model.dispose();
  say(`model alone on ${backend.backend}: ${inferB1.toFixed(0)} µs at batch 1, ${inferB256.toFixed(0)} µs at batch 256 (${(inferB256 / 256).toFixed(0)} µs per order)`);

  const emulator = await startPubSubEmulator({ projectId: PROJECT, logFile: join(dir, 'pubsub-emulator.log') });
  const children: ChildProcess[] = [];
  try {
    const admin = createPubSubClient({ projectId: PROJECT, emulatorHost: emulator.host });
    // Every topic, but only the subscriptions someone reads in this run: the emulator slows down
    // as messages pile up in subscriptions nobody consumes (the archive, the creative studio...).
    const plan = loadTopology('local');
    const read = (name: string): boolean => name.includes('.fraud-scorer') || name === 'order-scored.demo-monitor';
    await provision(admin, { ...plan, subscriptions: plan.subscriptions.filter((s) => read(s.name) && !s.name.endsWith('.dlq.ops')) });
    const bar = new cliProgress.SingleBar({ format: ' {phase} {bar} {value}/{total} scored', noTTYOutput: true, notTTYSchedule: 2000 }, cliProgress.Presets.shades_classic);
    const bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId: PROJECT, emulatorHost: emulator.host }), source: 'bench' });
    let receivedAt = new Map<string, number>();
    const scoreMs = new Map<string, number>();
    const monitor = bus.subscribe(OrderScored, 'order-scored.demo-monitor', async (e) => {
      if (!receivedAt.has(e.orderId)) receivedAt.set(e.orderId, performance.now());
      scoreMs.set(e.orderId, e.latencyMs);
    }, { maxInFlight: 2000 });
    await monitor.ready;

    const waitScored = async (ids: readonly string[], phase: string, timeoutMs: number): Promise<void> => {
      bar.start(ids.length, 0, { phase });
      const deadline = Date.now() + timeoutMs;
      let done = 0;
      while (Date.now() < deadline) {
        done = ids.filter((id) => receivedAt.has(id)).length;
        bar.update(done, { phase });
        if (done === ids.length) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      bar.stop();
      if (done < ids.length) throw new Error(`${phase}: only ${done}/${ids.length} orders scored within ${timeoutMs / 1000} s; see .tmp/bench-fraud/fraud-scorer.log`);
    };
    const timelines = new Map<string, TimelineRow[]>();
    /** Publishes at `rate` per second and returns each order's latency, publish -> order-scored received. */
    const atFixedRate = async (events: ReadonlyArray<{ event: OrderPlacedEvent }>, phase: string): Promise<number[]> => {
      const sentAt = new Map<string, number>();
      const t0 = performance.now();
      const pending: Array<Promise<unknown>> = [];
      for (let i = 0; i < events.length; i++) {
        const wait = t0 + (i / opts.rate) * 1000 - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const o = events[i]!;
        sentAt.set(o.event.orderId, performance.now());
        pending.push(bus.publish(OrderPlaced, o.event));
      }
      await Promise.all(pending);
      await waitScored(events.map((o) => o.event.orderId), phase, 180_000);
      // Every order's timings, in publish order, so a tail can be placed in time (and is plotted).
      const timeline = events.map((o) => {
        const id = o.event.orderId;
        return { id, userId: o.event.userId, sentMs: sentAt.get(id)! - t0, latencyMs: receivedAt.get(id)! - sentAt.get(id)!, inServiceMs: scoreMs.get(id) };
      });
      timelines.set(phase, timeline);
      const csv = timeline.map((r) => `${r.id},${r.userId},${r.sentMs.toFixed(1)},${r.latencyMs.toFixed(1)},${r.inServiceMs ?? ''}`);
      writeFileSync(join(dir, `latency-${phase.replace(/\W+/g, '-')}.csv`), `order_id,user_id,sent_ms,latency_ms,in_service_ms\n${csv.join('\n')}\n`);
      return events.map((o) => receivedAt.get(o.event.orderId)! - sentAt.get(o.event.orderId)!).sort((a, b) => a - b);
    };

    // Phase 1, the floor: the same path without a scorer, at the same rate, with other shoppers' orders.
    say(`floor: ${opts.rate * opts.seconds} orders at ${opts.rate}/s through a relay that scores nothing`);
    const relayBus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId: PROJECT, emulatorHost: emulator.host }), source: 'bench-relay' });
    const relayHandler = async (o: OrderPlacedEvent, ctx: EventContext): Promise<void> => {
      await relayBus.publish(OrderScored, { ...OrderScored.example, orderId: o.orderId, userId: o.userId, latencyMs: 0, scoredAt: new Date().toISOString() } satisfies OrderScoredEvent, { parent: ctx });
    };
    const relay = relayBus.subscribe(OrderPlaced, 'order-placed.fraud-scorer', relayHandler, { maxInFlight: opts.maxInFlight });
    await relay.ready;
    const floorOrders = [...createWorld({ seed: 31, shoppers: 1200 }).orders({ count: opts.rate * opts.seconds, ratePerSecond: 0.05 })].map((o) => ({ event: { ...o.event, orderId: `floor-${o.event.orderId}` } }));
    const floor = await atFixedRate(floorOrders, 'floor');
    await relay.close();
    receivedAt = new Map();

    // Phase 2, throughput: a backlog published while no scorer runs, then drained by the scorer.
    const orders = all.slice(opts.history);
    const burst = orders.slice(0, opts.burst);
    const fixed = orders.slice(burst.length);
    say(`backlog: publishing ${burst.length} orders before the scorer starts`);
    const p0 = performance.now();
    await Promise.all(burst.map((o) => bus.publish(OrderPlaced, o.event)));
    say(`backlog published in ${((performance.now() - p0) / 1000).toFixed(1)} s (${Math.round(burst.length / ((performance.now() - p0) / 1000))} ordered messages/s from one publisher)`);

    const port = await getFreePort();
    const profileArgs = opts.profile ? ['--cpu-prof', '--cpu-prof-dir', join(dir, 'profile')] : [];
    const scorer = spawn(process.execPath, [...profileArgs, join(root, 'services/fraud-scorer/dist/server.js')], {
      env: { ...process.env, NODE_OPTIONS: '', PORT: String(port), HOST: '127.0.0.1', GOOGLE_CLOUD_PROJECT: PROJECT, PUBSUB_EMULATOR_HOST: emulator.host, LOG_FORMAT: 'json', LOG_LEVEL: 'warn', BLOB_STORE_URL: blobDir, MAX_IN_FLIGHT: String(opts.maxInFlight), SUBSCRIBER_STREAMS: String(opts.streams) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(scorer);
    const log = createWriteStream(join(dir, 'fraud-scorer.log'));
    scorer.stdout!.pipe(log);
    scorer.stderr!.pipe(log);
    for (let ready = false; !ready; ) {
      if (scorer.exitCode !== null) throw new Error(`the scorer exited (${scorer.exitCode}); see .tmp/bench-fraud/fraud-scorer.log`);
      ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
      if (!ready) await new Promise((r) => setTimeout(r, 200));
    }
    const cpuBefore = { scorer: cpuSeconds(scorer.pid), emulator: groupCpuSeconds(emulator.pid), bench: ownCpuSeconds() };
    await waitScored(burst.map((o) => o.event.orderId), 'drain', 300_000);
    const drainCpu = cpuSeconds(scorer.pid) - cpuBefore.scorer;
    const emulatorCpu = groupCpuSeconds(emulator.pid) - cpuBefore.emulator;
    const benchCpu = ownCpuSeconds() - cpuBefore.bench;
    const drained = burst.map((o) => receivedAt.get(o.event.orderId)!);
    // From the first score to the last: the steady rate, without the scorer's start-up.
    const maxEps = (burst.length - 1) / ((Math.max(...drained) - Math.min(...drained)) / 1000);

    // Phase 3, latency: the scorer at a fixed rate.
    say(`fixed rate: ${fixed.length} orders at ${opts.rate}/s`);
    const latencies = await atFixedRate(fixed, 'fixed rate');
    const inScorer = fixed.map((o) => scoreMs.get(o.event.orderId)!).sort((a, b) => a - b);

    const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { backend?: string; scorer?: { batches?: unknown; meanMsPerOrder?: unknown; graph?: unknown } };
    say(`graph store: ${JSON.stringify(health.scorer?.graph)}`);
    say(`scorer batches: ${JSON.stringify(health.scorer?.batches ?? health)}; mean ms per order by phase: ${JSON.stringify(health.scorer?.meanMsPerOrder)}`);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const sumOf = (name: string): number => metrics.split('\n').filter((l) => l.startsWith(name)).reduce((a, l) => a + Number(l.split(' ').pop()), 0);
    const handled = sumOf('eventkit_handler_duration_seconds_count{subscription="order-placed.fraud-scorer"');
    const handlerSeconds = sumOf('eventkit_handler_duration_seconds_sum{subscription="order-placed.fraud-scorer"');
    const publishCount = sumOf('eventkit_publish_duration_seconds_count{topic="order-scored"');
    const publishSeconds = sumOf('eventkit_publish_duration_seconds_sum{topic="order-scored"');
    say(`scorer: ${handled} orders handled, mean handler ${((1000 * handlerSeconds) / Math.max(handled, 1)).toFixed(1)} ms (of which publishing order-scored ${((1000 * publishSeconds) / Math.max(publishCount, 1)).toFixed(1)} ms)`);
    // Phase 4, the throughput floor, last because it is the hardest on the emulator (it has wedged
    // under it: publishes hanging until their deadline): the relay, with the scorer stopped,
    // drains a backlog as large as the scorer's. The most orders per second this emulator passes
    // through order-placed -> a service -> order-scored here, whatever the service does. First
    // with the client's 5 streams (acking at once, the relay drains fastest with them: the
    // emulator's ceiling), then with the scorer's own stream count (the ceiling for the scorer as
    // configured), unless the emulator stopped answering in the first.
    scorer.kill('SIGTERM');
    if (scorer.exitCode === null) await new Promise((r) => scorer.once('exit', r));
    const floorDrain = async (seed: number, streams: number): Promise<number | null> => {
      const floorBacklog = [...createWorld({ seed, shoppers: 1200 }).orders({ count: opts.burst, ratePerSecond: 0.05 })].map((o) => ({ event: { ...o.event, orderId: `floor-backlog-${seed}-${o.event.orderId}` } }));
      say(`floor: the scorer stopped, a relay that scores nothing drains a backlog of ${floorBacklog.length} orders on ${streams} stream${streams === 1 ? '' : 's'}`);
      try {
        await Promise.all(floorBacklog.map((o) => bus.publish(OrderPlaced, o.event)));
        const again = relayBus.subscribe(OrderPlaced, 'order-placed.fraud-scorer', relayHandler, { maxInFlight: opts.maxInFlight, streams });
        await again.ready;
        await waitScored(floorBacklog.map((o) => o.event.orderId), 'floor drain', 120_000);
        const drainedAt = floorBacklog.map((o) => receivedAt.get(o.event.orderId)!);
        await again.close();
        return (floorBacklog.length - 1) / ((Math.max(...drainedAt) - Math.min(...drainedAt)) / 1000);
      } catch (err) {
        say(`floor drain not measured: ${(err as Error).message}`);
        return null;
      }
    };
    const floorMaxEps = await floorDrain(37, 5);
    const floorSameStreams = floorMaxEps === null ? null : opts.streams === 5 ? floorMaxEps : await floorDrain(41, opts.streams);
    await relayBus.close();
    await bus.close();
    await admin.close();
    const result = {
      bench: 'fraud',
      backend: health.backend ?? backend.backend,
      rate_eps: opts.rate,
      p50_ms: Math.round(percentile(latencies, 0.5) * 10) / 10,
      p99_ms: Math.round(percentile(latencies, 0.99) * 10) / 10,
      score_p50_ms: Math.round(percentile(inScorer, 0.5) * 10) / 10,
      score_p99_ms: Math.round(percentile(inScorer, 0.99) * 10) / 10,
      floor_p50_ms: Math.round(percentile(floor, 0.5) * 10) / 10,
      floor_p99_ms: Math.round(percentile(floor, 0.99) * 10) / 10,
      max_eps: Math.round(maxEps),
      floor_max_eps: floorMaxEps === null ? null : Math.round(floorMaxEps),
      // The same relay on the scorer's own number of streams: what max_eps compares with.
      floor_max_eps_scorer_streams: floorSameStreams === null ? null : Math.round(floorSameStreams),
      // Scorer CPU (user + system) per order while draining: what the box's load cannot distort much.
      cpu_us_per_order: Math.round((drainCpu * 1e6) / burst.length),
      // The emulator's CPU per order over the same drain (deliver, ack, take the order-scored publish, deliver it here).
      emulator_cpu_us_per_order: Math.round((emulatorCpu * 1e6) / burst.length),
      infer_us_b1: Math.round(inferB1),
      infer_us_b256: Math.round(inferB256),
    };
    writeFileSync(join(dir, 'latency.png'), await svgToPng(panelSvg([...timelines].map(([phase, rows]) => latencyChart(phase, rows)), 620, 380)));
    say(`latency over time (worst per ${WINDOW_MS} ms window, both fixed-rate phases): .tmp/bench-fraud/latency.png; every order: .tmp/bench-fraud/latency-*.csv`);
    say(`latency at ${opts.rate}/s: p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms end to end; inside the scorer p50 ${result.score_p50_ms} ms, p99 ${result.score_p99_ms} ms; the emulator path alone (no scorer) p50 ${result.floor_p50_ms} ms, p99 ${result.floor_p99_ms} ms`);
    say(`throughput: the scorer drained a backlog at ${result.max_eps} orders/s using ${result.cpu_us_per_order} µs of CPU per order; the emulator used ${result.emulator_cpu_us_per_order} µs per order meanwhile and this process ${Math.round((benchCpu * 1e6) / burst.length)} µs`);
    const allCpu = result.cpu_us_per_order + result.emulator_cpu_us_per_order + (benchCpu * 1e6) / burst.length;
    say(`  at that CPU, the 2 cores of this machine carry at most ${Math.round((2 * 1e6) / allCpu)} orders/s; a relay that scores nothing drains ${result.floor_max_eps} orders/s through the same emulator on 5 streams, ${result.floor_max_eps_scorer_streams} on the scorer's ${opts.streams} (targets on 2 cores: p99 <= 50 ms, max_eps >= 1000)`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
    await emulator.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench-fraud: ${(err as Error).message}\n`);
  process.exit(1);
});
