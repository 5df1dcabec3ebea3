/**
 * `make bench-eventkit`: what the event kit costs over the raw @google-cloud/pubsub client.
 *
 * Same emulator, same topic (with its Avro schema), same publisher batching and subscriber
 * flow control. Each run publishes N ~1 KB events while a subscriber consumes them, and
 * measures N / (first publish -> last ack). The raw consumer parses JSON and acks (what any
 * consumer must do); the kit also validates the contract on both sides, stamps and reads
 * CloudEvents attributes and traces, checks idempotency, classifies failures and keeps
 * Prometheus metrics. Runs alternate raw/kit to cancel drift. Last line: one JSON object.
 */
import { OrderScored, type OrderScoredEvent } from '@commerce/contracts';
import { liveGroupMembers, startPubSubEmulator } from '@commerce/emulators';
import { PubSubEventBus, createPubSubClient, encodeEvent } from '@commerce/event-kit';
import { planTopology, provision, type TopologyFile } from '@commerce/topology';
import type { Message, PubSub } from '@google-cloud/pubsub';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { Registry } from 'prom-client';

const opts = new Command()
  .option('--messages <n>', 'messages per run', (v) => Number(v), 50_000)
  .option('--runs <n>', 'runs per side (alternating)', (v) => Number(v), 3)
  .option('--side <side>', 'raw, kit or both (one side alone is for profiling)', 'both')
  .parse()
  .opts<{ messages: number; runs: number; side: 'raw' | 'kit' | 'both' }>();

const BATCH = { maxMessages: 1000, maxMs: 10 } as const;
const FLOW = 2000;
const PROJECT = 'bench';

/** An order-scored event of about 1 KB. */
function event(i: number): OrderScoredEvent {
  return {
    ...OrderScored.example,
    orderId: `o-bench-${i}`,
    reasons: [
      ...OrderScored.example.reasons,
      { kind: 'feature', code: 'order_velocity_1h', description: '4 orders in the last hour from a device first seen today', weight: 0.18 },
      { kind: 'feature', code: 'card_country_mismatch', description: 'card issued in DE, shipping to SE', weight: 0.09 },
      { kind: 'entity', code: 'address_shared_accounts', description: 'address Sveavägen 44, 111 34 shared with 3 accounts, 1 confirmed fraud', weight: 0.07, entityType: 'address', entityId: 'sveavagen 44|111 34|se' },
    ],
  };
}

const topology: TopologyFile = {
  defaults: {
    topic: { messageRetention: '1d' },
    subscription: { ackDeadline: '60s', messageRetention: '1d', retainAckedMessages: false, retryPolicy: { minimumBackoff: '10s', maximumBackoff: '60s' }, maxDeliveryAttempts: 5 },
    deadLetter: { messageRetention: '1d' },
  },
  topics: { 'order-scored': { publishers: ['bench'], subscriptions: {} } },
};

async function freshSubscription(admin: PubSub, name: string): Promise<void> {
  await admin.topic('order-scored').createSubscription(name, {
    ackDeadlineSeconds: 60,
    deadLetterPolicy: { deadLetterTopic: `projects/${PROJECT}/topics/bench.dlq`, maxDeliveryAttempts: 5 },
  });
}

interface RunResult {
  side: 'raw' | 'kit';
  msgsPerS: number;
  /** This process's CPU (user + system) per message: the cost that does not depend on the emulator. */
  cpuMicrosPerMsg: number;
  publishMsgsPerS: number;
  seconds: number;
}

/**
 * A fresh emulator per run: one that has carried earlier runs slows down run after run
 * (measured: raw 4,623 -> 3,861 -> 1,855 msgs/s), which would penalise whichever side runs later.
 * On a multi-core machine the emulator gets its own core, as a real broker runs elsewhere;
 * otherwise every microsecond the client spends is taken from the broker.
 */
async function withEmulator<T>(work: (host: string, admin: PubSub) => Promise<T>): Promise<T> {
  const emulator = await startPubSubEmulator({ projectId: PROJECT });
  if (pinned) for (const pid of [emulator.pid, ...liveGroupMembers(emulator.pid)]) pin(pid, EMULATOR_CPU);
  const admin = createPubSubClient({ projectId: PROJECT, emulatorHost: emulator.host });
  try {
    await provision(admin, planTopology(topology, 'local'));
    await admin.createTopic('bench.dlq');
    return await work(emulator.host, admin);
  } finally {
    await admin.close();
    await emulator.stop();
  }
}

const CLIENT_CPU = 0;
const EMULATOR_CPU = 1;
const pinned = availableParallelism() >= 2 && spawnSync('taskset', ['-V']).status === 0;
/** Pins every thread of a process to one CPU. */
function pin(pid: number, cpu: number): void {
  const r = spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)]);
  if (r.status !== 0) throw new Error(`taskset failed for pid ${pid}: ${r.stderr.toString()}`);
}

/**
 * Publishes n events one publisher batch per event-loop turn, as a service does when events come
 * from its own work, so sends and acks interleave with publishing. Firing all n in one synchronous
 * loop instead would delay the first send by the time it takes to encode all of them, which
 * measures that loop rather than the client or the kit. Both sides publish this way.
 */
async function publishInTurns(n: number, publishOne: (i: number) => Promise<unknown>): Promise<void> {
  const sent: Array<Promise<unknown>> = [];
  for (let i = 0; i < n; i++) {
    sent.push(publishOne(i));
    if ((i + 1) % BATCH.maxMessages === 0) await new Promise((r) => setImmediate(r));
  }
  await Promise.all(sent);
}

async function run(side: 'raw' | 'kit', index: number, host: string, admin: PubSub, bar: cliProgress.SingleBar): Promise<RunResult> {
  const n = opts.messages;
  const subName = `order-scored.bench-${side}-${index}`;
  await freshSubscription(admin, subName);
  const pubsub = createPubSubClient({ projectId: PROJECT, emulatorHost: host });
  let received = 0;
  let done!: () => void;
  const allReceived = new Promise<void>((r) => (done = r));
  const count = (): void => {
    if (++received === n) done();
    if (received % 1000 === 0) bar.update(received);
  };
  bar.start(n, 0, { side });
  const cpu0 = process.cpuUsage();
  const cpuPerMsg = (): number => {
    const c = process.cpuUsage(cpu0);
    return (c.user + c.system) / n;
  };
  let t0 = 0;
  let published = 0;

  if (side === 'raw') {
    const topic = pubsub.topic('order-scored', { batching: { maxMessages: BATCH.maxMessages, maxMilliseconds: BATCH.maxMs } });
    const sub = pubsub.subscription(subName, { flowControl: { maxMessages: FLOW, allowExcessMessages: false } });
    sub.on('message', (m: Message) => {
      JSON.parse(m.data.toString('utf8'));
      m.ack();
      count();
    });
    // Same bytes and attributes as the kit sends, prepared the way a careful raw publisher would.
    const template = encodeEvent(OrderScored, event(0), { source: 'bench' }).attributes;
    t0 = performance.now();
    await publishInTurns(n, (i) => {
      // Copied, not `{ ...template, id }`: a spread-first literal is V8's slow path (~11 µs).
      const attributes = Object.assign({}, template);
      attributes['ce-id'] = `raw-${i}`;
      return topic.publishMessage({ data: Buffer.from(JSON.stringify(event(i))), attributes });
    });
    published = performance.now();
    await allReceived;
    const t1 = performance.now();
    const cpuMicrosPerMsg = cpuPerMsg();
    await sub.close();
    await pubsub.close();
    bar.stop();
    return { side, cpuMicrosPerMsg, msgsPerS: n / ((t1 - t0) / 1000), publishMsgsPerS: n / ((published - t0) / 1000), seconds: (t1 - t0) / 1000 };
  }

  const bus = new PubSubEventBus({ pubsub, source: 'bench', metricsRegistry: new Registry(), batching: BATCH, maxInFlight: FLOW });
  await bus.subscribe(OrderScored, subName, async () => count()).ready;
  t0 = performance.now();
  await publishInTurns(n, (i) => bus.publish(OrderScored, event(i)));
  published = performance.now();
  await allReceived;
  const t1 = performance.now();
  const cpuMicrosPerMsg = cpuPerMsg();
  await bus.close();
  bar.stop();
  return { side, cpuMicrosPerMsg, msgsPerS: n / ((t1 - t0) / 1000), publishMsgsPerS: n / ((published - t0) / 1000), seconds: (t1 - t0) / 1000 };
}

async function main(): Promise<void> {
  if (pinned) pin(process.pid, CLIENT_CPU);
  const size = Buffer.byteLength(JSON.stringify(event(12345)));
  const bar = new cliProgress.SingleBar({ format: ' {side} {bar} {value}/{total} consumed', stream: process.stderr, noTTYOutput: false }, cliProgress.Presets.shades_classic);
  console.log(`event kit vs raw client: ${opts.messages} messages of ${size} bytes per run, ${opts.runs} runs per side, a fresh emulator per run`);
  console.log(pinned ? `client pinned to CPU ${CLIENT_CPU}, emulator to CPU ${EMULATOR_CPU}` : 'one CPU or no taskset: client and emulator share CPUs');

  const sides = opts.side === 'both' ? (['raw', 'kit'] as const) : ([opts.side] as const);
  // Warm-up: JIT and module loading, not measured.
  const measured = opts.messages;
  opts.messages = Math.min(5000, measured);
  for (const side of sides) await withEmulator((host, admin) => run(side, 0, host, admin, bar));
  opts.messages = measured;

  // ABBA order (raw kit kit raw raw kit ...) so drift of any kind falls on both sides alike.
  const order: Array<'raw' | 'kit'> = [];
  for (let i = 0; i < opts.runs; i++) order.push(...(i % 2 === 0 ? sides : [...sides].reverse()));
  const results: RunResult[] = [];
  for (const [i, side] of order.entries()) {
    const r = await withEmulator((host, admin) => run(side, i + 1, host, admin, bar));
    results.push(r);
    console.log(`  run ${String(i + 1).padStart(2)} ${side.padEnd(3)}  ${r.msgsPerS.toFixed(0).padStart(6)} msgs/s end to end (${r.seconds.toFixed(2)} s), publish alone ${r.publishMsgsPerS.toFixed(0)} msgs/s, client CPU ${r.cpuMicrosPerMsg.toFixed(1)} µs/msg`);
  }

  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  };
  const raw = median(results.filter((r) => r.side === 'raw').map((r) => r.msgsPerS));
  const kit = median(results.filter((r) => r.side === 'kit').map((r) => r.msgsPerS));
  const rawCpu = median(results.filter((r) => r.side === 'raw').map((r) => r.cpuMicrosPerMsg));
  const kitCpu = median(results.filter((r) => r.side === 'kit').map((r) => r.cpuMicrosPerMsg));
  console.log(`median: raw ${raw.toFixed(0)} msgs/s, kit ${kit.toFixed(0)} msgs/s, ratio ${(kit / raw).toFixed(3)} (target >= 0.95)`);
  console.log(`client CPU per message (publish + consume, this process): raw ${rawCpu.toFixed(1)} µs, kit ${kitCpu.toFixed(1)} µs (${kitCpu >= rawCpu ? '+' : ''}${(kitCpu - rawCpu).toFixed(1)} µs for validation, idempotency, tracing, metrics)`);
  console.log(`client-bound capacity of one core at that cost: raw ${(1e6 / rawCpu).toFixed(0)} msgs/s, kit ${(1e6 / kitCpu).toFixed(0)} msgs/s (ratio ${(rawCpu / kitCpu).toFixed(3)})`);
  console.log(JSON.stringify({ bench: 'eventkit', messages: opts.messages, raw_msgs_per_s: Math.round(raw), kit_msgs_per_s: Math.round(kit), ratio: Math.round((kit / raw) * 1000) / 1000 }));
}

main().catch((err: unknown) => {
  console.error(`bench-eventkit failed: ${(err as Error)?.stack ?? String(err)}`);
  process.exit(1);
});
