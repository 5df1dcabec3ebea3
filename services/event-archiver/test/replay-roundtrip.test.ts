import { LocalBlobStore } from '@commerce/blob-store';
import { OrderPlaced } from '@commerce/contracts';
import { PubSubEventBus, createPubSubClient, type PublishReceipt } from '@commerce/event-kit';
import { ArchiveReader, AuditLog, type ArchivedMessage, OpsAttributes, createReplay, loadReplay, runCli, runReplay, type OpsContext } from '@commerce/ops';
import { loadConfig } from '@commerce/service-kit';
import { emulatorHost, eventually, order, provisioned, uniqueProject } from '@commerce/testing';
import type { TopologyFile } from '@commerce/topology';
import type { Message, PubSub } from '@google-cloud/pubsub';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { buildApp } from '../src/app.js';
import { ArchiverConfig } from '../src/config.js';

const topology: TopologyFile = {
  defaults: {
    topic: { messageRetention: '1d' },
    subscription: { ackDeadline: '10s', messageRetention: '1d', retainAckedMessages: false, retryPolicy: { minimumBackoff: '1s', maximumBackoff: '2s' }, maxDeliveryAttempts: 5 },
    deadLetter: { messageRetention: '1d' },
  },
  topics: { 'order-placed': { publishers: ['test'], subscriptions: { archiver: { ordering: true } } } },
};

const KEYS = ['u-1', 'u-2', 'u-3', 'u-4'];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Collects what arrives on a subscription until told to stop; never acks late, so no redelivery muddles the count. */
function collect(pubsub: PubSub, subscription: string): { got: Message[]; stop: () => Promise<void> } {
  const got: Message[] = [];
  const sub = pubsub.subscription(subscription, { flowControl: { maxMessages: 1000 } });
  sub.on('message', (m: Message) => {
    got.push(m);
    m.ack();
  });
  return { got, stop: () => sub.close() };
}

describe('archive -> replay round trip on the emulator', () => {
  let projectId: string;
  let admin: PubSub;
  let publisher: PubSubEventBus;
  let dir: string;
  let store: LocalBlobStore;
  let ctx: OpsContext;
  let archiver: Awaited<ReturnType<typeof buildApp>>;

  beforeAll(async () => {
    projectId = uniqueProject('replay');
    admin = await provisioned(projectId, topology);
    publisher = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: emulatorHost() }), source: 'checkout' });
    dir = await mkdtemp(join(tmpdir(), 'replay-'));
    store = new LocalBlobStore({ root: dir });
    const config = loadConfig(ArchiverConfig, { GOOGLE_CLOUD_PROJECT: projectId, PUBSUB_EMULATOR_HOST: emulatorHost(), BLOB_STORE_URL: dir, ARCHIVE_BATCH_MAX_MS: '100' }, 'event-archiver');
    const logger = pino({ level: 'silent' });
    const metricsRegistry = new Registry();
    const bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: emulatorHost() }), source: 'event-archiver', logger, metricsRegistry });
    archiver = await buildApp({ config, logger, bus, metricsRegistry }, store);
    await Promise.all(archiver.subscriptions.map((s) => s.ready));
    ctx = { pubsub: admin, projectId, emulatorHost: emulatorHost(), store, archive: new ArchiveReader({ store }), audit: new AuditLog(store), who: 'test@ops' };
  });

  afterAll(async () => {
    await archiver?.app.close();
    await publisher?.close();
    await admin?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A fresh topic with an ordered subscription, standing in for a consumer that needs the window again. */
  async function freshConsumer(name: string): Promise<string> {
    const [topic] = await admin.createTopic(name);
    await topic.createSubscription(`${name}.consumer`, { enableMessageOrdering: true, ackDeadlineSeconds: 30 });
    return `${name}.consumer`;
  }

  async function publishBatch(from: number, count: number): Promise<PublishReceipt[]> {
    const out: PublishReceipt[] = [];
    // Sequential per key is what ordering keys promise; several keys interleave.
    const pending = [];
    for (let n = from; n < from + count; n++) pending.push(publisher.publish(OrderPlaced, order(n, KEYS[n % KEYS.length]!)));
    out.push(...(await Promise.all(pending)));
    return out;
  }

  async function archivedCount(): Promise<number> {
    let n = 0;
    for await (const m of ctx.archive.messages('order-placed')) if (m.messageId) n++;
    return n;
  }

  it('replays exactly a time window into a fresh topic: same ids, in order per ordering key', async () => {
    const before = await publishBatch(0, 40);
    await sleep(50);
    const window = await publishBatch(100, 60);
    await sleep(50);
    const after = await publishBatch(200, 40);
    expect(await eventually(async () => (await archivedCount()) === 140, 60_000)).toBe(true);

    // The window's edges from the archive itself: the first publish of the window and of what follows.
    const archived: ArchivedMessage[] = [];
    for await (const m of ctx.archive.messages('order-placed')) archived.push(m);
    const time = (ids: PublishReceipt[]): number[] => ids.map((r) => Date.parse(archived.find((m) => m.messageId === r.messageId)!.publishTime));
    const from = new Date(Math.min(...time(window)));
    const to = new Date(Math.min(...time(after)));
    expect(Math.max(...time(before))).toBeLessThan(from.getTime());
    expect(Math.max(...time(window))).toBeLessThan(to.getTime());

    const consumer = await freshConsumer('order-placed-replayed');
    const received = collect(admin, consumer);

    // Dry run first (the default): says how many, sends nothing.
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), context: async () => ({ ...ctx, pubsub: createPubSubClient({ projectId, emulatorHost: emulatorHost() }) }) };
    const args = ['replay', '--topic', 'order-placed', '--from', from.toISOString(), '--to', to.toISOString(), '--to-topic', 'order-placed-replayed', '--rate', '0'];
    expect(await runCli(args, io)).toBe(0);
    expect(out.join('\n')).toContain('Dry run: would publish 60 message(s)');
    await sleep(500);
    expect(received.got).toHaveLength(0);

    expect(await runCli([...args, '--execute'], io)).toBe(0);
    expect(out.join('\n')).toMatch(/replay [0-9a-f-]+ completed: 60 message\(s\) published to order-placed-replayed/);
    expect(await eventually(() => received.got.length >= 60, 30_000)).toBe(true);
    await sleep(500);
    await received.stop();

    const got = received.got;
    expect(got).toHaveLength(60);
    expect(got.map((m) => m.attributes[OpsAttributes.ReplayOriginalMessageId]).sort()).toEqual(window.map((r) => r.messageId).sort());
    expect(got.map((m) => m.attributes['ce-id']).sort()).toEqual(window.map((r) => r.eventId).sort());
    const replayIds = new Set(got.map((m) => m.attributes[OpsAttributes.ReplayId]));
    expect(replayIds.size).toBe(1);
    for (const key of KEYS) {
      const published = window.filter((r) => r.orderingKey === key).map((r) => r.messageId);
      const replayed = got.filter((m) => m.orderingKey === key).map((m) => m.attributes[OpsAttributes.ReplayOriginalMessageId]);
      expect(replayed).toEqual(published);
    }
    // Bytes and attributes as they were, plus the replay's marks.
    const original = archived.find((m) => m.messageId === window[0]!.messageId)!;
    const copy = got.find((m) => m.attributes[OpsAttributes.ReplayOriginalMessageId] === original.messageId)!;
    expect(copy.data.toString('base64')).toBe(original.data);
    expect(copy.attributes).toEqual({ ...original.attributes, [OpsAttributes.ReplayId]: [...replayIds][0], [OpsAttributes.ReplayOriginalMessageId]: original.messageId });

    const audit = await ctx.audit.list();
    expect(audit.filter((a) => a.command === 'replay')).toEqual([expect.objectContaining({ ok: true, count: 60, who: 'test@ops' })]);
  });

  it('an interrupted replay resumed sends every message exactly once', async () => {
    const total = (await archivedCount());
    expect(total).toBeGreaterThanOrEqual(140);
    const consumer = await freshConsumer('order-placed-resumed');
    const received = collect(admin, consumer);
    const state = await createReplay(ctx, { topic: 'order-placed', from: new Date(0).toISOString(), to: new Date().toISOString(), filters: [], toTopic: 'order-placed-resumed', includeCopies: false });
    expect(state.total).toBe(total);

    // Stop after about a third, mid-flight, at a steady rate so publishes are outstanding when it stops.
    const stop = new AbortController();
    const first = await runReplay(ctx, state.replayId, {
      rate: 300,
      signal: stop.signal,
      checkpointEveryMs: 50,
      onProgress: (p) => {
        if (p.sent >= Math.floor(total / 3)) stop.abort();
      },
    });
    expect(first.status).toBe('interrupted');
    expect(first.sent).toBeGreaterThanOrEqual(Math.floor(total / 3));
    expect(first.sent).toBeLessThan(total);
    const saved = await loadReplay(store, state.replayId);
    expect(saved.status).toBe('interrupted');
    expect(saved.next + saved.doneAbove.length).toBe(first.sent);

    // Resume through the command line, as an operator would.
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), context: async () => ({ ...ctx, pubsub: createPubSubClient({ projectId, emulatorHost: emulatorHost() }) }) };
    expect(await runCli(['replay', '--resume', state.replayId, '--execute', '--rate', '0'], io)).toBe(0);
    expect(out.join('\n')).toContain(`replay ${state.replayId} completed: ${total} message(s)`);
    expect(await eventually(() => received.got.length >= total, 30_000)).toBe(true);
    await sleep(1000);
    await received.stop();

    // No message twice (distinct Pub/Sub message ids = distinct publishes), none missing.
    const got = received.got;
    expect(new Set(got.map((m) => m.id)).size).toBe(got.length);
    expect(got).toHaveLength(total);
    const originals = got.map((m) => m.attributes[OpsAttributes.ReplayOriginalMessageId]);
    expect(new Set(originals).size).toBe(total);
    const archivedIds: string[] = [];
    for await (const m of ctx.archive.messages('order-placed')) archivedIds.push(m.messageId);
    expect([...originals].sort()).toEqual(archivedIds.sort());
    // A completed replay does nothing when resumed again.
    expect(await runCli(['replay', '--resume', state.replayId, '--execute'], io)).toBe(0);
    expect((await loadReplay(store, state.replayId)).sent).toBe(total);
  });
});
