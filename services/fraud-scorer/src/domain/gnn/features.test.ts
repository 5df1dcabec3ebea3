import { OrderPlaced, type OrderPlacedEvent } from '@commerce/contracts';
import { createWorld } from '@commerce/synthetic';
import { EntityGraph, FEATURE_DIM, FEATURES, Normaliser, normaliseAddress } from './features.js';

const col = (name: (typeof FEATURES)[number]): number => FEATURES.indexOf(name);

function order(id: string, over: { user?: string; device?: string; card?: string; at?: string; total?: number; line1?: string } = {}): OrderPlacedEvent {
  const e = OrderPlaced.example;
  return {
    ...e,
    orderId: id,
    userId: over.user ?? e.userId,
    placedAt: over.at ?? e.placedAt,
    total: { ...e.total, value: over.total ?? e.total.value },
    payment: { ...e.payment, instrumentId: over.card ?? e.payment.instrumentId },
    device: { ...e.device, deviceId: over.device ?? e.device.deviceId },
    shippingAddress: { ...e.shippingAddress, line1: over.line1 ?? e.shippingAddress.line1 },
  };
}

function snapshot(graph: EntityGraph, keys: string[], atMs: number): number[][] {
  return keys.map((k) => Array.from(graph.features(k, atMs)));
}

describe('EntityGraph', () => {
  it('is deterministic and idempotent: replaying orders changes nothing', () => {
    const orders = [...createWorld({ seed: 5, shoppers: 200, fraudShare: 0.1 }).orders({ count: 400 })].map((o) => o.event);
    const a = new EntityGraph();
    const b = new EntityGraph();
    for (const o of orders) expect(a.ingest(o)).toBe(true);
    for (const o of orders) b.ingest(o);
    const last = orders.at(-1)!;
    const atMs = Date.parse(last.placedAt);
    const keys = [...orders.slice(-20).map((o) => `order:${o.orderId}`), ...Object.values(a.orderLinks(last.orderId)!)];
    const before = snapshot(a, keys, atMs);
    expect(snapshot(b, keys, atMs)).toEqual(before);

    // Redelivery of every order, in another order: no-ops.
    for (const o of [...orders].reverse()) expect(a.ingest(o)).toBe(false);
    expect(snapshot(a, keys, atMs)).toEqual(before);
    expect(a.orderCount).toBe(orders.length);
    expect(before.every((row) => row.length === FEATURE_DIM && row.every(Number.isFinite))).toBe(true);
  });

  it('counts users per device, cards per user and velocity over sliding windows', () => {
    const g = new EntityGraph();
    g.ingest(order('o1', { user: 'u1', device: 'd1', card: 'c1', at: '2026-11-21T10:00:00.000Z' }));
    g.ingest(order('o2', { user: 'u2', device: 'd1', card: 'c2', at: '2026-11-21T10:10:00.000Z' }));
    g.ingest(order('o3', { user: 'u3', device: 'd1', card: 'c3', at: '2026-11-21T10:20:00.000Z' }));
    g.ingest(order('o4', { user: 'u1', device: 'd2', card: 'c4', at: '2026-11-21T12:00:00.000Z' }));
    const at = Date.parse('2026-11-21T10:30:00.000Z');
    const device = g.features('device:d1', at);
    expect(device[col('type_device')]).toBe(1);
    expect(device[col('log_distinct_users')]).toBeCloseTo(Math.log1p(3), 6);
    expect(device[col('log_distinct_cards')]).toBeCloseTo(Math.log1p(3), 6);
    expect(device[col('log_orders_1h')]).toBeCloseTo(Math.log1p(3), 6);
    // An hour later the window has emptied; the 24h window has not. Later orders do not count at an earlier instant.
    const later = g.features('device:d1', Date.parse('2026-11-21T11:15:00.000Z'));
    expect(later[col('log_orders_1h')]).toBeCloseTo(Math.log1p(1), 6);
    expect(later[col('log_orders_24h')]).toBeCloseTo(Math.log1p(3), 6);
    expect(g.features('user:u1', at)[col('log_orders_24h')]).toBeCloseTo(Math.log1p(1), 6);
    expect(g.features('user:u1', Date.parse('2026-11-21T12:00:00.000Z'))[col('log_distinct_cards')]).toBeCloseTo(Math.log1p(2), 6);
    expect(g.features('user:u1', at)[col('log_hours_since_first_seen')]).toBeCloseTo(Math.log1p(0.5), 6);

    // Order features are frozen at arrival and describe its user just before it.
    const o4 = g.features('order:o4', at);
    expect(o4[col('first_order_of_user')]).toBe(0);
    expect(o4[col('new_device_for_user')]).toBe(1);
    expect(o4[col('new_address_for_user')]).toBe(0);
    expect(o4[col('log_orders_total')]).toBeCloseTo(Math.log1p(1), 6);
    expect(g.features('order:o1', at)[col('first_order_of_user')]).toBe(1);
    expect(g.features('nothing:here', at).every((v) => v === 0)).toBe(true);
  });

  it('keeps neighbour lists bounded to the most recent K', () => {
    const g = new EntityGraph({ recentOrdersPerEntity: 4, neighboursPerRelation: 3 });
    for (let i = 0; i < 10; i++) g.ingest(order(`o${i}`, { user: `u${i}`, device: 'hub', at: `2026-11-21T10:0${i}:00.000Z` }));
    expect(g.recentOrders('device:hub')).toEqual(['o6', 'o7', 'o8', 'o9']);
    const f = g.features('device:hub', Date.parse('2026-11-21T10:10:00.000Z'));
    expect(f[col('log_distinct_users')]).toBeCloseTo(Math.log1p(3), 6);
    expect(f[col('log_orders_total')]).toBeCloseTo(Math.log1p(10), 6);
  });

  it('normalises addresses so spelling variants are one node', () => {
    const a = OrderPlaced.example.shippingAddress;
    expect(normaliseAddress({ ...a, line1: '  SVEAVÄGEN   44 ' })).toBe(normaliseAddress(a));
    expect(normaliseAddress({ ...a, line1: 'Sveavägen 46' })).not.toBe(normaliseAddress(a));
  });
});

describe('Normaliser', () => {
  it('standardises columns, keeps the null row at zero and round-trips through JSON', () => {
    const rows = new Float32Array([1, 10, 3, 10, 0, 0]);
    const n = Normaliser.fit(rows.subarray(0, 4), 2);
    expect(Array.from(n.mean)).toEqual([2, 10]);
    expect(Array.from(n.std)).toEqual([1, 1]); // the constant column gets std 1
    const copy = Normaliser.fromJSON(JSON.parse(JSON.stringify(n.toJSON())));
    expect(Array.from(copy.applyInPlace(rows.slice()))).toEqual([-1, 0, 1, 0, 0, 0]);
  });
});
