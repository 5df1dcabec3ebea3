/**
 * `make bench-replay`: archive N events through the archiver, then replay them from the archive,
 * against one fresh emulator. In the same run, the raw publish rate of the same client
 * (@google-cloud/pubsub, same batching) with the same messages is measured before and after the
 * replay, so the replay can be judged against what publishing alone achieves here.
 *
 * - archive: the events are published first; then archiver start -> every message written
 *   (durably) and acked.
 * - replay: `createReplay` (freeze the window, read and count it) + `runReplay` (read again, send,
 *   checkpoint) end to end, rate unlimited; the send phase alone is printed too.
 * `ARCHIVE_*` variables in the environment are passed to the archiver (e.g. ARCHIVE_BATCH_MAX_MESSAGES).
 * Last line: one JSON object.
 */
import { LocalBlobStore } from '@commerce/blob-store';
import { OrderScored, type OrderScoredEvent } from '@commerce/contracts';
import { liveGroupMembers, startPubSubEmulator } from '@commerce/emulators';
import { PubSubEventBus, createPubSubClient, encodeEvent } from '@commerce/event-kit';
import { ArchiveReader, AuditLog, createReplay, runReplay, type ArchivedMessage, type OpsContext } from '@commerce/ops';
import { loadConfig } from '@commerce/service-kit';
import { planTopology, provision, type TopologyFile } from '@commerce/topology';
import type { PubSub } from '@google-cloud/pubsub';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { buildApp } from '../app.js';
import { ArchiverConfig } from '../config.js';

const opts = new Command()
  .option('--messages <n>', 'events to archive and replay', (v) => Number(v), 100_000)
  .parse()
  .opts<{ messages: number }>();

const PROJECT = 'bench';
const BATCH = { maxMessages: 1000, maxMilliseconds: 10 } as const;

const topology: TopologyFile = {
  defaults: {
    topic: { messageRetention: '1d' },
    subscription: { ackDeadline: '60s', messageRetention: '1d', retainAckedMessages: false, retryPolicy: { minimumBackoff: '10s', maximumBackoff: '60s' }, maxDeliveryAttempts: 5 },
    deadLetter: { messageRetention: '1d' },
  },
  topics: { 'order-scored': { publishers: ['bench'], subscriptions: { archiver: {} } } },
};

/** An order-scored event of about 1 KB (the event-kit benchmark's). */
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

const pinned = availableParallelism() >= 2 && spawnSync('taskset', ['-V']).status === 0;
function pin(pid: number, cpu: number): void {
  spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)]);
}

/** Publishes the archived messages as they are, with the raw client: the yardstick for replay. */
async function rawPublish(pubsub: PubSub, topicName: string, messages: readonly ArchivedMessage[]): Promise<number> {
  const topic = pubsub.topic(topicName, { batching: BATCH, messageOrdering: true });
  const t0 = performance.now();
  // Copied with Object.assign, not a spread-first literal (V8's slow path): the best raw publisher.
  await Promise.all(messages.map((m) => topic.publishMessage({ data: Buffer.from(m.data, 'base64'), attributes: Object.assign({}, m.attributes) })));
  return messages.length / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const n = opts.messages;
  const emulator = await startPubSubEmulator({ projectId: PROJECT });
  if (pinned) {
    pin(process.pid, 0);
    for (const pid of [emulator.pid, ...liveGroupMembers(emulator.pid)]) pin(pid, 1);
  }
  const dir = await mkdtemp(join(tmpdir(), 'bench-replay-'));
  const admin = createPubSubClient({ projectId: PROJECT, emulatorHost: emulator.host });
  try {
    await provision(admin, planTopology(topology, 'local'));
    // Targets without subscriptions: the emulator accepts and drops, holding no copies in memory,
    // for the raw publisher and the replay alike.
    for (const t of ['bench-raw-1', 'bench-replay', 'bench-raw-2']) await admin.createTopic(t);
    const store = new LocalBlobStore({ root: dir });
    const size = Buffer.byteLength(JSON.stringify(event(12345)));
    console.log(`replay benchmark: ${n} events of ${size} bytes, one fresh emulator, archive in ${dir}; ${pinned ? 'client on CPU 0, emulator on CPU 1' : 'client and emulator share CPUs'}`);

    // 1. Archive. The events are published first and the archiver then drains the backlog: the
    // emulator (one JVM) wedged in 2 of 3 runs when 100,000 publishes met the archiver's pulls.
    // archive_msgs_per_s is the drain: archiver start -> every message written and acked.
    const publisher = createPubSubClient({ projectId: PROJECT, emulatorHost: emulator.host });
    const source = publisher.topic('order-scored', { batching: BATCH });
    const template = encodeEvent(OrderScored, event(0), { source: 'bench' }).attributes;
    const p0 = performance.now();
    for (let from = 0; from < n; from += 10_000) {
      await Promise.all(
        Array.from({ length: Math.min(10_000, n - from) }, (_, j) => {
          const i = from + j;
          const attributes = Object.assign({}, template);
          attributes['ce-id'] = `bench-${i}`;
          return source.publishMessage({ data: Buffer.from(JSON.stringify(event(i))), attributes });
        }),
      );
    }
    const published = (performance.now() - p0) / 1000;
    await publisher.close();
    console.log(`published ${n} events to order-scored in ${published.toFixed(2)} s (${(n / published).toFixed(0)} msgs/s)`);

    const config = loadConfig(ArchiverConfig, { GOOGLE_CLOUD_PROJECT: PROJECT, PUBSUB_EMULATOR_HOST: emulator.host, BLOB_STORE_URL: dir, LOG_LEVEL: 'warn', ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('ARCHIVE_'))) }, 'event-archiver');
    const metricsRegistry = new Registry();
    const logger = pino({ level: 'warn' });
    const archived = async (): Promise<number> => (await metricsRegistry.getSingleMetric('archiver_messages_archived_total')?.get())?.values.reduce((s, v) => s + v.value, 0) ?? 0;
    const bar = new cliProgress.SingleBar({ format: ' archive {bar} {value}/{total}', stream: process.stderr }, cliProgress.Presets.shades_classic);
    bar.start(n, 0);
    const t0 = performance.now();
    const archiverBus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId: PROJECT, emulatorHost: emulator.host }), source: 'event-archiver', logger, metricsRegistry });
    const archiver = await buildApp({ config, logger, bus: archiverBus, metricsRegistry }, store);
    await Promise.all(archiver.subscriptions.map((s) => s.ready));
    let lastLine = performance.now();
    for (let a = await archived(); a < n; a = await archived()) {
      bar.update(a);
      if (!process.stderr.isTTY && performance.now() - lastLine > 10_000) {
        lastLine = performance.now();
        console.log(`  ${a}/${n} archived after ${((lastLine - t0) / 1000).toFixed(0)} s`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const archiveSeconds = (performance.now() - t0) / 1000;
    bar.update(n);
    bar.stop();
    await archiver.app.close();
    const flush = (await metricsRegistry.getSingleMetric('archiver_flush_seconds')!.get()).values as Array<{ value: number; metricName?: string }>;
    const flushSum = flush.filter((v) => v.metricName === 'archiver_flush_seconds_sum').reduce((s, v) => s + v.value, 0);
    const flushCount = flush.filter((v) => v.metricName === 'archiver_flush_seconds_count').reduce((s, v) => s + v.value, 0);
    console.log(`archiver: ${flushCount} batches written, ${((flushSum / Math.max(1, flushCount)) * 1000).toFixed(1)} ms each on average`);
    const archiveRate = n / archiveSeconds;
    console.log(`archive: a backlog of ${n} messages written and acked in ${archiveSeconds.toFixed(2)} s = ${archiveRate.toFixed(0)} msgs/s`);

    const reader = new ArchiveReader({ store });
    const all: ArchivedMessage[] = [];
    for await (const m of reader.messages('order-scored')) all.push(m);
    if (all.length !== n) throw new Error(`the archive holds ${all.length} messages, expected ${n}`);

    // 2. Raw publish of the same messages, same client and batching (before the replay).
    const client = createPubSubClient({ projectId: PROJECT, emulatorHost: emulator.host });
    const raw1 = await rawPublish(client, 'bench-raw-1', all);
    console.log(`raw publish (before): ${raw1.toFixed(0)} msgs/s`);

    // 3. Replay from the archive, end to end, twice (raw, replay, replay, raw: drift falls on both sides alike).
    const ctx: OpsContext = { pubsub: client, projectId: PROJECT, emulatorHost: emulator.host, store, archive: reader, audit: new AuditLog(store), who: 'bench' };
    const replayRates: number[] = [];
    for (let run = 1; run <= 2; run++) {
      const r0 = performance.now();
      const state = await createReplay(ctx, { topic: 'order-scored', from: new Date(0).toISOString(), to: new Date().toISOString(), filters: [], toTopic: 'bench-replay', includeCopies: false });
      const s0 = performance.now();
      const done = await runReplay(ctx, state.replayId, { rate: 0 });
      const r1 = performance.now();
      if (done.status !== 'completed' || done.sent !== n) throw new Error(`replay ended ${done.status} with ${done.sent}/${n} sent`);
      replayRates.push(n / ((r1 - r0) / 1000));
      console.log(`replay ${run}: ${n} messages in ${((r1 - r0) / 1000).toFixed(2)} s = ${replayRates.at(-1)!.toFixed(0)} msgs/s end to end (plan ${((s0 - r0) / 1000).toFixed(2)} s; reading + sending ${(n / ((r1 - s0) / 1000)).toFixed(0)} msgs/s)`);
    }
    const replayRate = (replayRates[0]! + replayRates[1]!) / 2;

    // 4. Raw publish again (after), so emulator drift falls on both sides.
    const raw2 = await rawPublish(client, 'bench-raw-2', all);
    console.log(`raw publish (after): ${raw2.toFixed(0)} msgs/s`);
    await client.close();
    const raw = (raw1 + raw2) / 2;
    console.log(`replay / raw publish = ${(replayRate / raw).toFixed(3)} (target >= 0.8)`);
    console.log(JSON.stringify({ bench: 'replay', messages: n, archive_msgs_per_s: Math.round(archiveRate), replay_msgs_per_s: Math.round(replayRate), raw_publish_msgs_per_s: Math.round(raw), ratio: Math.round((replayRate / raw) * 1000) / 1000 }));
  } finally {
    await admin.close();
    await emulator.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
