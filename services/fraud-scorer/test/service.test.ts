import { FraudAlert, OrderPlaced, OrderScored, type FraudAlertEvent, type OrderPlacedEvent, type OrderScoredEvent } from '@commerce/contracts';
import { PubSubEventBus, createPubSubClient } from '@commerce/event-kit';
import { loadConfig, type BuiltService } from '@commerce/service-kit';
import { drain, emulatorHost, eventually, uniqueProject } from '@commerce/testing';
import { loadTopology, provision } from '@commerce/topology';
import type { PubSub } from '@google-cloud/pubsub';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { SUBSCRIPTIONS, buildApp } from '../src/app.js';
import { FraudScorerConfig } from '../src/config.js';

const RING = [101, 102, 103, 104, 105, 106, 107];
const HONEST = [1, 2, 3, 4, 5];
const ORDERS = RING.length + HONEST.length;

/** An honest-looking order by a shopper with a two-year-old account, on their own device and card. */
function order(n: number, over: Partial<OrderPlacedEvent> = {}): OrderPlacedEvent {
  return {
    ...OrderPlaced.example,
    orderId: `o-${n}`,
    userId: `u-${n}`,
    placedAt: new Date(Date.parse('2026-11-21T10:00:00Z') + n * 60_000).toISOString(),
    customer: { email: `shopper${n}@example.se`, accountCreatedAt: '2024-11-01T00:00:00.000Z' },
    device: { deviceId: `d-${n}`, ip: `81.230.1.${n % 250}`, userAgent: 'ShopApp/26.11' },
    payment: { method: 'pay_later', instrumentId: `card-${n}`, cardCountry: 'SE' },
    shippingAddress: { line1: `Storgatan ${n}`, city: 'Uppsala', postalCode: '753 20', country: 'SE' },
    ...over,
  };
}

/** A ring member: an account an hour old, on the ring's one device and card. */
function ringOrder(n: number): OrderPlacedEvent {
  return order(n, {
    customer: { email: `r${n}@example.se`, accountCreatedAt: '2026-11-21T09:00:00.000Z' },
    device: { deviceId: 'd-ring', ip: '10.9.8.7', userAgent: 'x' },
    payment: { method: 'card', instrumentId: 'card-ring', cardCountry: 'SE' },
  });
}

/** How many accounts the scorer had seen on the ring's device when it scored this order (1: only this one). */
function accountsOnDevice(s: OrderScoredEvent): number {
  const reason = s.reasons.find((r) => r.code === 'device_shared_accounts');
  return reason === undefined ? 1 : Number(/shared with (\d+) accounts/.exec(reason.description)?.[1]);
}

describe('fraud-scorer as a service against the emulator', () => {
  let admin: PubSub;
  let checkout: PubSubEventBus;
  let service: BuiltService;
  let bus: PubSubEventBus;

  beforeAll(async () => {
    const projectId = uniqueProject('fraud-scorer');
    const host = emulatorHost();
    admin = createPubSubClient({ projectId, emulatorHost: host });
    await provision(admin, loadTopology('local'));

    const config = loadConfig(FraudScorerConfig, { GOOGLE_CLOUD_PROJECT: projectId, PUBSUB_EMULATOR_HOST: host, MODEL: 'rules', BLOB_STORE_URL: mkdtempSync(join(tmpdir(), 'fraud-blobs-')) }, 'fraud-scorer');
    const logger = pino({ level: 'silent' });
    const metricsRegistry = new Registry();
    bus = new PubSubEventBus({
      pubsub: createPubSubClient({ projectId, emulatorHost: host }),
      source: 'fraud-scorer',
      logger,
      metricsRegistry,
      maxInFlight: config.MAX_IN_FLIGHT,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    });
    service = await buildApp({ config, logger, bus, metricsRegistry });
    await Promise.all(service.subscriptions.map((s) => s.ready));
    checkout = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: host }), source: 'checkout' });
  });

  afterAll(async () => {
    await service?.app.close();
    await checkout?.close();
    await admin?.close();
  });

  it('listens on the order-placed subscription and reports itself ready', async () => {
    // The rules baseline has no model to reload, so it does not listen to model-published.
    expect(service.subscriptions.map((s) => s.subscription)).toEqual([SUBSCRIPTIONS.orderPlaced, SUBSCRIPTIONS.labels]);
    const readyz = await service.app.inject({ method: 'GET', url: '/readyz' });
    expect(readyz.statusCode).toBe(200);
    expect(readyz.json()).toMatchObject({ ready: true, service: 'fraud-scorer', subscriptions: [{ subscription: 'order-placed.fraud-scorer', topic: 'order-placed', open: true }, { subscription: 'fraud-label-reported.fraud-scorer', topic: 'fraud-label-reported', open: true }] });
    const healthz = await service.app.inject({ method: 'GET', url: '/healthz' });
    expect(healthz.statusCode).toBe(200);
    expect(healthz.json()).toMatchObject({ status: 'ok', service: 'fraud-scorer', model: 'rules@1', backend: 'rules' });
  });

  it('scores every order once, declines the ring as it grows, and alerts naming the ring', async () => {
    const placed = [...HONEST.map((n) => order(n)), ...RING.map(ringOrder)];
    await Promise.all(placed.map((o) => checkout.publish(OrderPlaced, o)));

    // Handled means scored and published: the handler awaits both publishes before the ack.
    const metricValue = async (name: string, label: string): Promise<number> =>
      (await bus.metrics.registry.getSingleMetric(name)!.get()).values.filter((v) => Object.values(v.labels).includes(label)).reduce((s, v) => s + v.value, 0);
    expect(await eventually(async () => (await metricValue('eventkit_messages_acked_total', SUBSCRIPTIONS.orderPlaced)) === ORDERS, 60_000)).toBe(true);

    const scoredMessages = await drain(admin, 'order-scored.demo-monitor', { quietMs: 3000 });
    const alertMessages = await drain(admin, 'fraud-alert.demo-monitor', { quietMs: 3000 });
    const scored = scoredMessages.map((m) => OrderScored.parse(JSON.parse(m.data.toString())) as OrderScoredEvent);
    const alerts = alertMessages.map((m) => FraudAlert.parse(JSON.parse(m.data.toString())) as FraudAlertEvent);

    // Exactly one score per order, nothing else.
    expect(scored.map((s) => s.orderId).sort()).toEqual(placed.map((o) => o.orderId).sort());
    for (const m of scoredMessages) expect(m.attributes).toMatchObject({ 'ce-type': 'OrderScored', 'ce-source': '//commerce/fraud-scorer', modelVersion: 'rules@1' });
    for (const s of scored) expect(s).toMatchObject({ modelVersion: 'rules@1', backend: 'rules', thresholds: { review: 0.5, decline: 0.85 } });

    const honest = scored.filter((s) => HONEST.some((n) => s.orderId === `o-${n}`));
    expect(honest.map((s) => [s.orderId, s.decision])).toEqual(expect.arrayContaining(HONEST.map((n) => [`o-${n}`, 'approve'])));
    expect(honest).toHaveLength(HONEST.length);

    // The ring is scored one order at a time: each ring order saw the ones before it on the
    // device, so suspicion grows with the ring, whichever order the scorer took them in.
    const ring = scored.filter((s) => RING.some((n) => s.orderId === `o-${n}`)).sort((a, b) => accountsOnDevice(a) - accountsOnDevice(b));
    expect(ring.map(accountsOnDevice)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(ring.map((s) => s.decision)).toEqual(['approve', 'approve', 'review', 'decline', 'decline', 'decline', 'decline']);
    for (let i = 1; i < ring.length; i++) expect(ring[i]!.score).toBeGreaterThan(ring[i - 1]!.score);
    expect(ring.at(-1)!.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['device_shared_accounts', 'card_shared_accounts', 'new_account']));
    for (const m of scoredMessages) {
      const s = scored.find((x) => x.orderId === JSON.parse(m.data.toString()).orderId)!;
      expect(m.attributes['decision']).toBe(s.decision);
    }

    // Alerts: one per ring order above the alert threshold, none for honest shoppers.
    const alerting = ring.filter((s) => s.score >= 0.9).map((s) => s.orderId).sort();
    expect(alerting).toHaveLength(4);
    expect(alerts.map((a) => a.orderId).sort()).toEqual(alerting);
    for (const a of alerts) expect(a).toMatchObject({ pattern: 'ring', modelVersion: 'rules@1' });
    const largest = alerts.find((a) => a.orderId === ring.at(-1)!.orderId)!;
    expect(largest.entities.filter((e) => e.type === 'user').map((e) => e.id).sort()).toEqual(RING.map((n) => `u-${n}`).sort());
    expect(largest.entities).toContainEqual({ type: 'device', id: 'd-ring', role: 'shared device' });
    expect(largest.entities).toContainEqual({ type: 'card', id: 'card-ring', role: 'shared card' });
    for (const n of RING) expect(largest.edges).toContainEqual({ from: `user:u-${n}`, to: 'device:d-ring', relation: 'used_device' });

    // The service's own metrics agree.
    const metrics = await service.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toContain(`eventkit_messages_received_total{subscription="order-placed.fraud-scorer"} ${ORDERS}`);
    expect(metrics.body).toContain(`eventkit_messages_acked_total{subscription="order-placed.fraud-scorer"} ${ORDERS}`);
    expect(metrics.body).toContain(`eventkit_published_total{topic="order-scored"} ${ORDERS}`);
    expect(metrics.body).toContain(`eventkit_published_total{topic="fraud-alert"} ${alerting.length}`);
    expect(metrics.body).not.toContain('eventkit_messages_nacked_total{');
    expect(metrics.body).not.toContain('eventkit_messages_dead_lettered_total{');

    const readyz = await service.app.inject({ method: 'GET', url: '/readyz' });
    expect(readyz.json()).toMatchObject({ ready: true, subscriptions: [{ open: true, inFlight: 0 }, { open: true, inFlight: 0 }] });
  });

  it('is no longer ready once closed: the subscription is closed and the bus refuses work', async () => {
    await service.app.close();
    expect(bus.health()).toMatchObject({ ready: false, subscriptions: [{ subscription: 'order-placed.fraud-scorer', open: false }, { subscription: 'fraud-label-reported.fraud-scorer', open: false }] });
    await expect(bus.publish(OrderPlaced, order(9))).rejects.toThrow(/event bus of fraud-scorer is closed/);
  });
});
