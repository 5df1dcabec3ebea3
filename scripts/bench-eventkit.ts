/**
 * `make bench-eventkit`: what the event kit costs over the raw @google-cloud/pubsub client.
 *
 * Same emulator, same topic (with its Avro schema), same publisher batching and subscriber
 * flow control. Each run publishes N ~1 KB events while a subscriber consumes them, and
 * measures N / (first publish -> last ack). Both sides send the same bytes and attributes, and
 * both consumers run the same asynchronous handler and ack when it resolves; the raw consumer
 * parses JSON around it (what any consumer must do), the kit also validates the contract on both
 * sides, stamps and reads CloudEvents attributes and traces, checks idempotency, classifies
 * failures and keeps Prometheus metrics. Runs alternate raw/kit (ABBA) to cancel drift, on one
 * warmed-up emulator with a fresh topic per run. Each run also reports CPU per message of this
 * process and of the emulator, which says which of the two bounds the run. The pairs' geometric
 * mean comes with a 95% interval; `--runs 50` narrows it on a noisy machine. Last line: one JSON
 * object.
 */
import { OrderScored, type OrderScoredEvent } from '@commerce/contracts';
import { liveGroupMembers, startPubSubEmulator } from '@commerce/emulators';
import { PubSubEventBus, createPubSubClient, encodeEvent } from '@commerce/event-kit';
import { planTopology, provision, type TopologyFile } from '@commerce/topology';
import type { Message, PubSub } from '@google-cloud/pubsub';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import jStat from 'jstat';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { availableParallelism } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { Registry } from 'prom-client';

const opts = new Command()
  .option('--messages <n>', 'messages per run', (v) => Number(v), 50_000)
  .option('--runs <n>', 'runs per side (alternating)', (v) => Number(v), 8)
  .option('--side <side>', 'raw, kit or both (one side alone is for profiling)', 'both')
  .option('--cpu-profile <file>', 'write a CPU profile (.cpuprofile) of the measured runs, warm-up excluded')
  .parse()
  .opts<{ messages: number; runs: number; side: 'raw' | 'kit' | 'both'; cpuProfile?: string }>();

const BATCH = { maxMessages: 1000, maxMs: 10 } as const;
const FLOW = 2000;
/** Full-size runs per side before measuring: the emulator's CPU per message kept falling through the first four or so. */
const WARMUP_RUNS = 3;
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
  await provision(admin, planTopology(topology, 'local'));
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
  /** The emulator's CPU per message over the same window (publish, store, deliver, ack). */
  emulatorCpuMicrosPerMsg: number;
  /** Garbage-collection pauses of this process per message (part of cpuMicrosPerMsg). */
  gcMicrosPerMsg: number;
  publishMsgsPerS: number;
  seconds: number;
}

/** CPU seconds (user + system) used so far by the emulator's processes (Linux /proc; 0 elsewhere). */
function emulatorCpuSeconds(): number {
  let ticks = 0;
  for (const pid of emulatorPids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Exited, or no /proc.
    }
  }
  return ticks / 100;
}
let emulatorPids: number[] = [];

// This process's full collection, for between runs: tsx does not pass --expose-gc on to node, so
// the flag is set at run time and gc() taken from a context created after it.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const jcmd = spawnSync('jcmd', ['-h']).status === 0;

/** Set once the JVM could not be collected and that was said, so it is said once. */
let jvmProblemNoted = false;

/**
 * Between runs, outside the timed window: a full collection here and in the emulator's JVM.
 * Without it, each run paid for the garbage the run before it left in the old generation (a
 * whole client and 50,000 messages' worth): raw runs for kit runs and the other way round,
 * which the ABBA order evens out on average but which spread single runs apart.
 */
function collectBetweenRuns(): void {
  collectGarbage();
  if (!jcmd) return;
  let jvms = 0;
  for (const pid of emulatorPids) {
    let comm = '';
    try {
      comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue; // exited, or no /proc
    }
    if (comm !== 'java') continue;
    jvms++;
    const r = spawnSync('jcmd', [String(pid), 'GC.run'], { stdio: 'ignore', timeout: 30_000 });
    if (r.status !== 0 && !jvmProblemNoted) {
      jvmProblemNoted = true;
      console.log(`jcmd ${pid} GC.run failed (status ${r.status}): the emulator's JVM is not collected between runs`);
    }
  }
  if (jvms === 0 && !jvmProblemNoted) {
    jvmProblemNoted = true;
    console.log('no java process among the emulator\'s: its JVM is not collected between runs');
  }
}

/** Milliseconds this process has spent in garbage-collection pauses so far (scavenges and full collections). */
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });

/**
 * One emulator for the whole benchmark, warmed up before anything is measured: a cold JVM spent
 * 210-260 µs of CPU per message against 75-90 µs once warm, and varied run to run with it, which
 * is noise about the emulator, not the kit. Each run gets a fresh topic and subscription, deleted
 * afterwards: messages the emulator keeps for a topic's retention pile up and slow every later run
 * (measured 4,281 -> 2,235 msgs/s over eight runs on one topic). On a multi-core machine the
 * emulator gets its own core, as a real broker runs elsewhere.
 */
async function withEmulator<T>(work: (host: string, admin: PubSub) => Promise<T>): Promise<T> {
  const emulator = await startPubSubEmulator({ projectId: PROJECT });
  emulatorPids = [...new Set([emulator.pid, ...liveGroupMembers(emulator.pid)])];
  if (pinned) for (const pid of emulatorPids) pin(pid, EMULATOR_CPU);
  const admin = createPubSubClient({ projectId: PROJECT, emulatorHost: emulator.host });
  try {
    await admin.createTopic('bench.dlq');
    return await work(emulator.host, admin);
  } finally {
    await admin.close();
    await emulator.stop();
  }
}

/** Starts V8's sampling profiler on this process; stop() returns the profile. */
async function startCpuProfile(): Promise<{ stop: () => Promise<object> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      return profile;
    },
  };
}

/** Removes a run's subscription and topic, so the next run starts on an empty one. */
async function dropRun(admin: PubSub, subName: string): Promise<void> {
  await admin.subscription(subName).delete();
  await admin.topic('order-scored').delete();
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
 * measures that loop rather than the client or the kit. Each publish's outcome is handled when it
 * arrives, as a service does, rather than all n promises kept in an array until the end (that
 * kept every result alive through garbage collection, the kit's receipt more than the raw
 * client's message id). Both sides publish this way; any failure fails the run.
 */
async function publishInTurns(n: number, publishOne: (i: number) => Promise<unknown>): Promise<void> {
  let outstanding = n;
  let failure: unknown;
  let allDone!: () => void;
  const finished = new Promise<void>((r) => (allDone = r));
  const settle = (): void => {
    if (--outstanding === 0) allDone();
  };
  const fail = (err: unknown): void => {
    failure ??= err;
    settle();
  };
  for (let i = 0; i < n; i++) {
    publishOne(i).then(settle, fail);
    if ((i + 1) % BATCH.maxMessages === 0) await new Promise((r) => setImmediate(r));
  }
  await finished;
  if (failure !== undefined) throw failure;
}

async function run(side: 'raw' | 'kit', index: number, host: string, admin: PubSub, bar: cliProgress.SingleBar): Promise<RunResult> {
  const n = opts.messages;
  const subName = `order-scored.bench-${side}-${index < 0 ? `warmup${-index}` : index}`;
  await freshSubscription(admin, subName);
  collectBetweenRuns();
  const pubsub = createPubSubClient({ projectId: PROJECT, emulatorHost: host });
  let received = 0;
  let done!: () => void;
  const allReceived = new Promise<void>((r) => (done = r));
  const count = (): void => {
    if (++received === n) done();
    if (received % 1000 === 0) bar.update(received);
  };
  /** What both sides' consumers run for each event: count it. Asynchronous, as the kit's handlers are. */
  const handler = async (): Promise<void> => count();
  bar.start(n, 0, { side });
  // Everything is measured from the first publish: client and subscription setup is not counted.
  let cpu0 = process.cpuUsage();
  let gc0 = gcMs;
  let emu0 = emulatorCpuSeconds();
  let t0 = 0;
  const start = (): void => {
    cpu0 = process.cpuUsage();
    gc0 = gcMs;
    emu0 = emulatorCpuSeconds();
    t0 = performance.now();
  };
  let published = 0;
  /** Everything the run reports, read the moment its last message is in (before any teardown). */
  const measured = (): RunResult => {
    const t1 = performance.now();
    const c = process.cpuUsage(cpu0);
    return {
      side,
      cpuMicrosPerMsg: (c.user + c.system) / n,
      emulatorCpuMicrosPerMsg: ((emulatorCpuSeconds() - emu0) * 1e6) / n,
      gcMicrosPerMsg: ((gcMs - gc0) * 1000) / n,
      msgsPerS: n / ((t1 - t0) / 1000),
      publishMsgsPerS: n / ((published - t0) / 1000),
      seconds: (t1 - t0) / 1000,
    };
  };

  if (side === 'raw') {
    const topic = pubsub.topic('order-scored', { batching: { maxMessages: BATCH.maxMessages, maxMilliseconds: BATCH.maxMs } });
    const sub = pubsub.subscription(subName, { flowControl: { maxMessages: FLOW, allowExcessMessages: false } });
    // The same handler as the kit's, acked once it resolves and nacked if it rejects, as the kit
    // does and as any consumer that does asynchronous work must.
    sub.on('message', (m: Message) => {
      JSON.parse(m.data.toString('utf8'));
      handler().then(
        () => m.ack(),
        () => m.nack(),
      );
    });
    // Same bytes and attributes as the kit sends, prepared the way a careful raw publisher would:
    // the kit's attributes, with a fresh id of the same length for each message.
    const template = encodeEvent(OrderScored, event(0), { source: 'bench' }).attributes;
    start();
    await publishInTurns(n, (i) => {
      // Copied, not `{ ...template, id }`: a spread-first literal is V8's slow path (~11 µs).
      const attributes = Object.assign({}, template);
      attributes['ce-id'] = randomUUID();
      return topic.publishMessage({ data: Buffer.from(JSON.stringify(event(i))), attributes });
    });
    published = performance.now();
    await allReceived;
    const result = measured();
    await sub.close();
    await pubsub.close();
    await dropRun(admin, subName);
    bar.stop();
    return result;
  }

  const bus = new PubSubEventBus({ pubsub, source: 'bench', metricsRegistry: new Registry(), batching: BATCH, maxInFlight: FLOW });
  await bus.subscribe(OrderScored, subName, handler).ready;
  start();
  await publishInTurns(n, (i) => bus.publish(OrderScored, event(i)));
  published = performance.now();
  await allReceived;
  const result = measured();
  await bus.close();
  await dropRun(admin, subName);
  bar.stop();
  return result;
}

async function main(): Promise<void> {
  if (pinned) pin(process.pid, CLIENT_CPU);
  const size = Buffer.byteLength(JSON.stringify(event(12345)));
  const bar = new cliProgress.SingleBar({ format: ' {side} {bar} {value}/{total} consumed', stream: process.stderr, noTTYOutput: false }, cliProgress.Presets.shades_classic);
  console.log(`event kit vs raw client: ${opts.messages} messages of ${size} bytes per run, ${opts.runs} runs per side after ${WARMUP_RUNS} warm-up runs, one emulator, a fresh topic per run`);
  console.log(pinned ? `client pinned to CPU ${CLIENT_CPU}, emulator to CPU ${EMULATOR_CPU}` : 'one CPU or no taskset: client and emulator share CPUs');
  console.log(jcmd ? 'full garbage collection in this process and the emulator before each run' : 'full garbage collection in this process before each run (no jcmd, so not in the emulator)');

  const sides = opts.side === 'both' ? (['raw', 'kit'] as const) : ([opts.side] as const);
  const results: RunResult[] = [];
  await withEmulator(async (host, admin) => {
    // Warm-up, not measured: the emulator's JIT, and module loading and JIT on this side.
    for (let w = 0; w < WARMUP_RUNS; w++) for (const side of sides) await run(side, -w - 1, host, admin, bar);
    const profiler = opts.cpuProfile ? await startCpuProfile() : undefined;
    // ABBA order (raw kit kit raw raw kit ...) so drift of any kind falls on both sides alike.
    const order: Array<'raw' | 'kit'> = [];
    for (let i = 0; i < opts.runs; i++) order.push(...(i % 2 === 0 ? sides : [...sides].reverse()));
    for (const [i, side] of order.entries()) {
      const r = await run(side, i + 1, host, admin, bar);
      results.push(r);
      console.log(`  run ${String(i + 1).padStart(2)} ${side.padEnd(3)}  ${r.msgsPerS.toFixed(0).padStart(6)} msgs/s end to end (${r.seconds.toFixed(2)} s), publish alone ${r.publishMsgsPerS.toFixed(0).padStart(5)} msgs/s, CPU per msg: client ${r.cpuMicrosPerMsg.toFixed(1)} µs (GC ${r.gcMicrosPerMsg.toFixed(1)}), emulator ${r.emulatorCpuMicrosPerMsg.toFixed(1)} µs`);
    }
    if (profiler && opts.cpuProfile) {
      writeFileSync(opts.cpuProfile, JSON.stringify(await profiler.stop()));
      console.log(`CPU profile of the measured runs written to ${opts.cpuProfile} (open it in Chrome DevTools or speedscope)`);
    }
  });

  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  };
  const medianOf = (side: 'raw' | 'kit', field: 'msgsPerS' | 'cpuMicrosPerMsg' | 'gcMicrosPerMsg'): number => median(results.filter((r) => r.side === side).map((r) => r[field]));
  // A side's throughput is all its messages over all its time. ABBA order cancels a steady drift
  // in sums like these, not in medians: when the machine sped up by a third halfway through one
  // invocation, the medians said 0.872 while the adjacent pairs said 0.952.
  const throughput = (side: 'raw' | 'kit'): number => {
    const rs = results.filter((r) => r.side === side);
    return (rs.length * opts.messages) / rs.reduce((s, r) => s + r.seconds, 0);
  };
  const raw = throughput('raw');
  const kit = throughput('kit');
  const rawCpu = medianOf('raw', 'cpuMicrosPerMsg');
  const kitCpu = medianOf('kit', 'cpuMicrosPerMsg');
  console.log(`all runs of a side: raw ${raw.toFixed(0)} msgs/s, kit ${kit.toFixed(0)} msgs/s, ratio ${(kit / raw).toFixed(3)} (target >= 0.95)`);
  console.log(`median run of a side: raw ${medianOf('raw', 'msgsPerS').toFixed(0)} msgs/s, kit ${medianOf('kit', 'msgsPerS').toFixed(0)} msgs/s`);
  // Each raw run next to a kit run (ABBA order) sees the same emulator state; their ratios show
  // how much of the spread between runs is drift rather than the kit.
  const pairs: number[] = [];
  if (sides.length === 2) for (let i = 0; i + 1 < results.length; i += 2) pairs.push(results[i]!.side === 'kit' ? results[i]!.msgsPerS / results[i + 1]!.msgsPerS : results[i + 1]!.msgsPerS / results[i]!.msgsPerS);
  if (pairs.length > 0) console.log(`kit/raw of each adjacent pair: ${pairs.map((r) => r.toFixed(3)).join(' ')} (median ${median(pairs).toFixed(3)})`);
  // What one invocation can tell: the pairs' geometric mean and its 95% interval (Student's t on
  // their logarithms). Drift between pairs widens it; when it straddles 0.95, run longer.
  if (pairs.length >= 3) {
    const logs = pairs.map(Math.log);
    const mean = jStat.mean(logs);
    const [low, high] = jStat.tci(mean, 0.05, logs).map(Math.exp) as [number, number];
    // The interval narrows with the square root of the pairs: four times the runs halve it.
    const verdict = low >= 0.95 ? 'meets the target' : high < 0.95 ? 'misses the target' : `cannot tell against the target: more pairs narrow it, e.g. --runs ${Math.max(50, opts.runs * 4)}`;
    console.log(`kit/raw over the pairs: geometric mean ${Math.exp(mean).toFixed(3)}, 95% interval ${low.toFixed(3)}-${high.toFixed(3)} (${verdict})`);
  }
  console.log(`client CPU per message (publish + consume, this process): raw ${rawCpu.toFixed(1)} µs, kit ${kitCpu.toFixed(1)} µs (${kitCpu >= rawCpu ? '+' : ''}${(kitCpu - rawCpu).toFixed(1)} µs for validation, idempotency, tracing, metrics)`);
  console.log(`of which garbage-collection pauses: raw ${medianOf('raw', 'gcMicrosPerMsg').toFixed(1)} µs, kit ${medianOf('kit', 'gcMicrosPerMsg').toFixed(1)} µs per message`);
  console.log(`client-bound capacity of one core at that cost: raw ${(1e6 / rawCpu).toFixed(0)} msgs/s, kit ${(1e6 / kitCpu).toFixed(0)} msgs/s (ratio ${(rawCpu / kitCpu).toFixed(3)})`);
  console.log(JSON.stringify({ bench: 'eventkit', messages: opts.messages, raw_msgs_per_s: Math.round(raw), kit_msgs_per_s: Math.round(kit), ratio: Math.round((kit / raw) * 1000) / 1000 }));
}

main().catch((err: unknown) => {
  console.error(`bench-eventkit failed: ${(err as Error)?.stack ?? String(err)}`);
  process.exit(1);
});
