import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FraudLabelReported, OrderPlaced, OrderScored, type OrderScoredEvent } from '@commerce/contracts';
import { createBlobStore, type BlobStore } from '@commerce/blob-store';
import { PubSubEventBus, createPubSubClient, encodeEvent } from '@commerce/event-kit';
import { loadConfig, type BuiltService } from '@commerce/service-kit';
import type { SyntheticOrder } from '@commerce/synthetic';
import { drain, emulatorHost, eventually, uniqueProject } from '@commerce/testing';
import { loadTopology, provision } from '@commerce/topology';
import type { PubSub } from '@google-cloud/pubsub';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { SUBSCRIPTIONS, buildApp } from '../src/app.js';
import { FraudScorerConfig } from '../src/config.js';
import { selectBackend } from '../src/domain/gnn/backend.js';
import { trainCommand } from '../src/training/commands.js';
import { publishCommand } from '../src/training/publish.js';
import { generateOrders } from '../src/training/synthetic-dataset.js';

/** The GNN scorer as a service on the emulator: model from the blob store, hot swap, dead letters, labels. */
describe('fraud-scorer with the graph neural network, against the emulator', () => {
  let projectId: string;
  let admin: PubSub;
  let checkout: PubSubEventBus;
  let service: BuiltService;
  let bus: PubSubEventBus;
  let blobDir: string;
  let blobs: BlobStore;
  let stream: SyntheticOrder[];
  const scored: OrderScoredEvent[] = [];
  const scoredEventIds: string[] = [];

  /** Collects what arrived, then checks. */
  const scoredWhen = (check: () => boolean) => async (): Promise<boolean> => {
    await collectScores();
    return check();
  };

  async function collectScores(): Promise<void> {
    for (const m of await drain(admin, 'order-scored.demo-monitor', { quietMs: 1500 })) {
      scored.push(OrderScored.parse(JSON.parse(m.data.toString())));
      scoredEventIds.push(m.attributes['ce-id']!);
    }
  }

  beforeAll(async () => {
    blobDir = mkdtempSync(join(tmpdir(), 'gnn-service-'));
    blobs = createBlobStore(blobDir);
    const ctx = { store: blobs, backend: await selectBackend('auto'), log: () => undefined };
    await trainCommand({ data: { kind: 'synthetic', options: { orders: 3000, seed: 5 } }, epochs: 2, version: 'v1' }, ctx);
    await trainCommand({ data: { kind: 'synthetic', options: { orders: 3000, seed: 6 } }, epochs: 1, version: 'v2', publish: false }, ctx);
    stream = generateOrders({ orders: 400, seed: 31, fraudShare: 0.1 });

    projectId = uniqueProject('fraud-gnn');
    const host = emulatorHost();
    admin = createPubSubClient({ projectId, emulatorHost: host });
    await provision(admin, loadTopology('local'));
    const config = loadConfig(FraudScorerConfig, { GOOGLE_CLOUD_PROJECT: projectId, PUBSUB_EMULATOR_HOST: host, MODEL: 'gnn', BLOB_STORE_URL: blobDir, MODEL_POLL_MS: '0' }, 'fraud-scorer');
    const logger = pino({ level: 'silent' });
    const metricsRegistry = new Registry();
    bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: host }), source: 'fraud-scorer', logger, metricsRegistry, maxInFlight: 100 });
    service = await buildApp({ config, logger, bus, metricsRegistry });
    await Promise.all(service.subscriptions.map((s) => s.ready));
    checkout = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: host }), source: 'checkout' });
  }, 180_000);

  afterAll(async () => {
    await service?.app.close();
    await checkout?.close();
    await admin?.close();
  });

  it('reports its model, backend and graph store, and listens to orders, labels and model announcements', async () => {
    expect(service.subscriptions.map((s) => s.subscription)).toEqual([SUBSCRIPTIONS.orderPlaced, SUBSCRIPTIONS.labels, SUBSCRIPTIONS.models]);
    const health = (await service.app.inject({ method: 'GET', url: '/healthz' })).json();
    expect(health).toMatchObject({ status: 'ok', model: 'fraud-gnn@v1', backend: expect.stringMatching(/^(wasm|cpu|tensorflow|tensorflow-gpu|fused-cpu)$/), scorer: { graph: { store: 'memory' } } });
  });

  it('scores every order exactly once with the live model, recording backend, thresholds and cold starts', async () => {
    const first = stream.slice(0, 200);
    await Promise.all(first.map((o) => checkout.publish(OrderPlaced, o.event)));
    expect(await eventually(scoredWhen(() => new Set(scored.map((s) => s.orderId)).size >= first.length), 90_000)).toBe(true);
    const ids = scored.map((s) => s.orderId);
    expect(new Set(ids).size).toBe(ids.length); // one order-scored per order
    expect([...new Set(ids)].sort()).toEqual(first.map((o) => o.event.orderId).sort());
    const thresholds = JSON.parse((await blobs.get('models/fraud-gnn/v1/thresholds.json')).toString('utf8')) as { review: number; decline: number };
    for (const s of scored) {
      expect(s).toMatchObject({ modelVersion: 'fraud-gnn@v1', backend: (await service.app.inject({ method: 'GET', url: '/healthz' })).json().backend });
      expect(s.thresholds.review).toBeCloseTo(thresholds.review, 10); // the model version's own thresholds
      expect(s.decision).toBe(s.score >= s.thresholds.decline ? 'decline' : s.score >= s.thresholds.review ? 'review' : 'approve');
    }
    const firstOrderOf = new Map<string, string>();
    for (const o of first) if (!firstOrderOf.has(o.event.userId)) firstOrderOf.set(o.event.userId, o.event.orderId);
    const cold = scored.filter((s) => s.coldStart).map((s) => s.orderId).sort();
    expect(cold).toEqual([...firstOrderOf.values()].sort());
  }, 120_000);

  it('a malformed order-placed is dead-lettered with a reason naming the field, and scoring goes on', async () => {
    const bad = { ...stream[200]!.event, orderId: 'o-malformed', placedAt: 'yesterday afternoon' };
    const data = Buffer.from(JSON.stringify(bad));
    const { attributes } = encodeEvent(OrderPlaced, stream[200]!.event, { source: 'checkout' });
    await checkout.publishRaw('order-placed', data, { ...attributes, 'ce-id': 'malformed-1' }, bad.userId);
    await checkout.publish(OrderPlaced, stream[201]!.event);
    const dead = await drain(admin, 'order-placed.fraud-scorer.dlq.ops', { expect: 1, quietMs: 60_000, timeoutMs: 60_000 });
    expect(dead).toHaveLength(1);
    expect(dead[0]!.attributes['dlq-reason']).toMatch(/placedAt/);
    expect(JSON.parse(dead[0]!.data.toString()).orderId).toBe('o-malformed');
    expect(await eventually(scoredWhen(() => scored.some((s) => s.orderId === stream[201]!.event.orderId)), 60_000)).toBe(true);
    expect(scored.some((s) => s.orderId === 'o-malformed')).toBe(false);
  }, 120_000);

  it('a model-published (live) swaps the model for the following orders without dropping or double-scoring one', async () => {
    await publishCommand({ version: 'v2', role: 'live', projectId, emulatorHost: emulatorHost() }, { store: blobs, log: () => undefined });
    // The health view names the version in force as soon as the announcement is handled.
    expect(await eventually(async () => (await service.app.inject({ method: 'GET', url: '/healthz' })).json().model === 'fraud-gnn@v2', 60_000)).toBe(true);
    const next = stream.slice(250, 320);
    await Promise.all(next.map((o) => checkout.publish(OrderPlaced, o.event)));
    expect(await eventually(scoredWhen(() => next.every((o) => scored.some((s) => s.orderId === o.event.orderId))), 90_000)).toBe(true);
    for (const o of next) expect(scored.find((s) => s.orderId === o.event.orderId)!.modelVersion).toBe('fraud-gnn@v2');
    const ids = scored.map((s) => s.orderId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(scoredEventIds).size).toBe(scoredEventIds.length);
    // latest.json moved too, so instances that missed the event follow by polling.
    expect(JSON.parse((await blobs.get('models/fraud-gnn/latest.json')).toString('utf8')).version).toBe('v2');
  }, 120_000);

  it('fraud-label-reported is stored in the blob store where the train command reads labels', async () => {
    const label = { labelId: 'l-test-1', orderId: stream[3]!.event.orderId, label: 'fraud' as const, source: 'chargeback' as const, reportedAt: '2026-11-30T09:00:00.000Z' };
    await checkout.publish(FraudLabelReported, label);
    const key = 'labels/fraud/2026-11-30/l-test-1.jsonl';
    expect(await eventually(async () => (await blobs.head(key)) !== undefined, 60_000)).toBe(true);
    const stored = JSON.parse((await blobs.get(key)).toString('utf8'));
    // The label came without a shopper; the scorer filled it in from its graph.
    expect(stored).toMatchObject({ ...label, userId: stream[3]!.event.userId });
  }, 90_000);
});
