import { LocalBlobStore, type BlobStore } from '@commerce/blob-store';
import { OrderPlaced, OrderScored } from '@commerce/contracts';
import { PubSubEventBus, createPubSubClient } from '@commerce/event-kit';
import { ArchiveReader, MANIFEST_FILE, sha256Hex, type ArchivedMessage, type PartitionManifest } from '@commerce/ops';
import { loadConfig } from '@commerce/service-kit';
import { emulatorHost, eventually, order, provisioned, uniqueProject } from '@commerce/testing';
import type { TopologyFile } from '@commerce/topology';
import type { PubSub } from '@google-cloud/pubsub';
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
    subscription: { ackDeadline: '10s', messageRetention: '1d', retainAckedMessages: true, retryPolicy: { minimumBackoff: '1s', maximumBackoff: '2s' }, maxDeliveryAttempts: 5 },
    deadLetter: { messageRetention: '1d' },
  },
  topics: {
    'order-placed': { publishers: ['test'], subscriptions: { archiver: { ordering: true } } },
    'order-scored': { publishers: ['test'], subscriptions: { archiver: {} } },
  },
};

/** A real local store that fails every put while `failing` is set: a full disk, a lost bucket. */
class FlakyStore implements BlobStore {
  failing = false;
  failedPuts = 0;
  readonly kind = 'local' as const;
  constructor(private readonly inner: LocalBlobStore) {}
  get description(): string {
    return this.inner.description;
  }
  put: BlobStore['put'] = async (key, data, opts) => {
    if (this.failing) {
      this.failedPuts++;
      throw new Error('disk full (test)');
    }
    return this.inner.put(key, data, opts);
  };
  get: BlobStore['get'] = (key) => this.inner.get(key);
  getStream: BlobStore['getStream'] = (key) => this.inner.getStream(key);
  head: BlobStore['head'] = (key) => this.inner.head(key);
  list: BlobStore['list'] = (prefix, opts) => this.inner.list(prefix, opts);
  delete: BlobStore['delete'] = (key) => this.inner.delete(key);
  url: BlobStore['url'] = (key) => this.inner.url(key);
}

async function archived(reader: ArchiveReader, topic: string): Promise<ArchivedMessage[]> {
  const out: ArchivedMessage[] = [];
  for await (const m of reader.messages(topic)) out.push(m);
  return out;
}

async function metric(registry: Registry, name: string, label: string): Promise<number> {
  const m = registry.getSingleMetric(name);
  if (!m) return 0;
  return (await m.get()).values.filter((v) => Object.values(v.labels).includes(label)).reduce((s, v) => s + v.value, 0);
}

describe('event-archiver against the emulator', () => {
  let projectId: string;
  let admin: PubSub;
  let publisher: PubSubEventBus;
  let dir: string;

  async function start(store: BlobStore, env: Record<string, string> = {}) {
    const config = loadConfig(ArchiverConfig, { GOOGLE_CLOUD_PROJECT: projectId, PUBSUB_EMULATOR_HOST: emulatorHost(), BLOB_STORE_URL: dir, ARCHIVE_BATCH_MAX_MS: '200', ...env }, 'event-archiver');
    const logger = pino({ level: 'silent' });
    const metricsRegistry = new Registry();
    const bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: emulatorHost() }), source: 'event-archiver', logger, metricsRegistry });
    const service = await buildApp({ config, logger, bus, metricsRegistry }, store);
    await Promise.all(service.subscriptions.map((s) => s.ready));
    return { ...service, metricsRegistry };
  }

  beforeEach(async () => {
    projectId = uniqueProject('archiver');
    admin = await provisioned(projectId, topology);
    publisher = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: emulatorHost() }), source: 'checkout' });
    dir = await mkdtemp(join(tmpdir(), 'archiver-'));
  });

  afterEach(async () => {
    await publisher.close();
    await admin.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('archives every topic with data, attributes, ids, publish time and ordering key, and a manifest per hour', async () => {
    const store = new LocalBlobStore({ root: dir });
    const service = await start(store);
    try {
      expect(service.subscriptions.map((s) => s.subscription).sort()).toEqual(['order-placed.archiver', 'order-scored.archiver']);
      const receipts = [];
      for (let n = 0; n < 30; n++) receipts.push(publisher.publish(OrderPlaced, order(n, `u-${n % 3}`)));
      const placed = await Promise.all(receipts);
      const scored = await Promise.all([1, 2, 3].map((n) => publisher.publish(OrderScored, { ...OrderScored.example, orderId: `o-${n}` })));

      const reader = new ArchiveReader({ store });
      expect(await eventually(async () => (await archived(reader, 'order-placed')).length === 30 && (await archived(reader, 'order-scored')).length === 3, 30_000)).toBe(true);

      const got = await archived(reader, 'order-placed');
      expect(got.map((m) => m.messageId).sort()).toEqual(placed.map((r) => r.messageId).sort());
      for (const r of placed) {
        const m = got.find((x) => x.messageId === r.messageId)!;
        expect(m.attributes['ce-id']).toBe(r.eventId);
        expect(m.attributes['ce-type']).toBe('OrderPlaced');
        expect(m.orderingKey).toBe(r.orderingKey);
        expect(JSON.parse(Buffer.from(m.data, 'base64').toString()).orderId).toMatch(/^o-\d+$/);
        expect(Number.isNaN(Date.parse(m.publishTime))).toBe(false);
      }
      // Per ordering key, the archive's order is the publish order.
      for (const key of ['u-0', 'u-1', 'u-2']) {
        const expected = placed.filter((r) => r.orderingKey === key).map((r) => r.messageId);
        expect(got.filter((m) => m.orderingKey === key).map((m) => m.messageId)).toEqual(expected);
      }
      expect((await archived(reader, 'order-scored')).map((m) => m.attributes['ce-id']).sort()).toEqual(scored.map((r) => r.eventId).sort());

      // The manifests describe their partitions: counts, time range, checksums of every segment.
      let total = 0;
      for (const p of await reader.partitions('order-placed')) {
        const manifest = JSON.parse((await store.get(p.prefix + MANIFEST_FILE)).toString()) as PartitionManifest;
        expect(manifest).toMatchObject({ topic: 'order-placed', hour: p.hour.toISOString() });
        expect(manifest.count).toBe(manifest.segments.reduce((n, s) => n + s.count, 0));
        for (const s of manifest.segments) expect(sha256Hex(await store.get(p.prefix + s.name))).toBe(s.sha256);
        const times = (await reader.partitionMessages(p.prefix, manifest.segments)).map((m) => m.publishTime);
        expect(manifest.firstPublishTime).toBe(times[0]);
        expect(manifest.lastPublishTime).toBe(times.at(-1));
        total += manifest.count;
      }
      expect(total).toBe(30);
      expect(await metric(service.metricsRegistry, 'archiver_messages_archived_total', 'order-placed')).toBe(30);
      const readyz = await service.app.inject({ method: 'GET', url: '/readyz' });
      expect(readyz.statusCode).toBe(200);
    } finally {
      await service.app.close();
    }
  });

  it('writes a redelivered message once: seeking the subscription back delivers everything again', async () => {
    const store = new LocalBlobStore({ root: dir });
    const service = await start(store);
    try {
      const t0 = new Date(Date.now() - 60_000);
      // order-scored: the emulator answers UNIMPLEMENTED to a seek on an ordered subscription.
      await Promise.all(Array.from({ length: 20 }, (_, n) => publisher.publish(OrderScored, { ...OrderScored.example, orderId: `o-${n}` })));
      const reader = new ArchiveReader({ store });
      expect(await eventually(async () => (await metric(service.metricsRegistry, 'archiver_messages_archived_total', 'order-scored')) === 20, 30_000)).toBe(true);

      await admin.subscription('order-scored.archiver').seek(t0);
      expect(await eventually(async () => (await metric(service.metricsRegistry, 'archiver_duplicates_skipped_total', 'order-scored')) >= 20, 30_000)).toBe(true);
      const got = await archived(reader, 'order-scored');
      expect(got).toHaveLength(20);
      expect(new Set(got.map((m) => m.messageId)).size).toBe(20);
      expect(await metric(service.metricsRegistry, 'archiver_messages_archived_total', 'order-scored')).toBe(20);
    } finally {
      await service.app.close();
    }
  });

  it('acks only after the write: while the store fails nothing is acked, and everything arrives once it recovers', async () => {
    const store = new FlakyStore(new LocalBlobStore({ root: dir }));
    store.failing = true;
    const service = await start(store);
    try {
      const placed = await Promise.all(Array.from({ length: 10 }, (_, n) => publisher.publish(OrderPlaced, order(n))));
      expect(await eventually(async () => (await metric(service.metricsRegistry, 'archiver_flush_failures_total', 'order-placed')) >= 2, 30_000)).toBe(true);
      expect(await metric(service.metricsRegistry, 'archiver_messages_archived_total', 'order-placed')).toBe(0);
      store.failing = false;
      const reader = new ArchiveReader({ store });
      expect(await eventually(async () => (await archived(reader, 'order-placed')).length === 10, 60_000)).toBe(true);
      expect((await archived(reader, 'order-placed')).map((m) => m.messageId).sort()).toEqual(placed.map((r) => r.messageId).sort());
      expect(store.failedPuts).toBeGreaterThanOrEqual(2);
    } finally {
      await service.app.close();
    }
  });

  it('on shutdown writes what it holds before closing', async () => {
    const store = new LocalBlobStore({ root: dir });
    const service = await start(store, { ARCHIVE_BATCH_MAX_MS: '600000' });
    const placed = await Promise.all(Array.from({ length: 5 }, (_, n) => publisher.publish(OrderPlaced, order(n))));
    const holder = service.archivers.find((a) => a.subscription === 'order-placed.archiver')!;
    expect(await eventually(() => holder.health().inFlight === 5, 30_000)).toBe(true);
    const reader = new ArchiveReader({ store });
    expect(await archived(reader, 'order-placed')).toHaveLength(0);
    await service.app.close();
    expect((await archived(reader, 'order-placed')).map((m) => m.messageId).sort()).toEqual(placed.map((r) => r.messageId).sort());
  });

  it('refuses to start on a subscription that does not exist, saying what to do', async () => {
    const store = new LocalBlobStore({ root: dir });
    await expect(start(store, { ARCHIVE_SUBSCRIPTIONS: 'nope.archiver' })).rejects.toThrow(/nope\.archiver does not exist.*provision the topology first/);
  });
});
