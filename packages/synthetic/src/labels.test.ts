import { FraudLabelReported } from '@commerce/contracts';
import type { SyntheticOrder } from './types.js';
import { createWorld } from './world.js';

const DAY = 86_400_000;
const world = createWorld({ seed: 99, shoppers: 1_500, merchants: 25, products: 400, fraudShare: 0.05 });
let orders: SyntheticOrder[];
let byId: Map<string, SyntheticOrder>;

beforeAll(() => {
  orders = [...world.orders({ count: 20_000 })];
  byId = new Map(orders.map((o) => [o.event.orderId, o]));
}, 60_000);

describe('labels', () => {
  it('passes the strict fraud-label-reported contract and arrives after the order, in report order', () => {
    const labels = world.labels(orders);
    expect(labels.length).toBeGreaterThan(500);
    expect(labels.flatMap((l) => FraudLabelReported.publishIssues(l))).toEqual([]);
    for (const l of labels) expect(Date.parse(l.reportedAt)).toBeGreaterThan(Date.parse(byId.get(l.orderId)!.event.placedAt));
    const times = labels.map((l) => Date.parse(l.reportedAt));
    expect(times.filter((t, i) => i > 0 && t < times[i - 1]!)).toEqual([]);
    expect(new Set(labels.map((l) => l.labelId)).size).toBe(labels.length);
  });

  it('labels the requested share of fraud, mostly correctly, and clears only honest orders', () => {
    const labels = world.labels(orders, { coverage: 0.6 });
    const fraudOrders = orders.filter((o) => o.truth.fraud).length;
    const fraudLabels = labels.filter((l) => l.label === 'fraud');
    const correct = fraudLabels.filter((l) => byId.get(l.orderId)!.truth.fraud).length;
    expect(correct / fraudOrders).toBeGreaterThan(0.55);
    expect(correct / fraudOrders).toBeLessThan(0.65);
    // Friendly fraud: a handful of honest orders carry a fraud label.
    expect(fraudLabels.length - correct).toBeLessThan(fraudLabels.length * 0.03);
    const cleared = labels.filter((l) => l.label === 'legitimate');
    expect(cleared.length).toBeGreaterThan(20);
    expect(cleared.filter((l) => byId.get(l.orderId)!.truth.fraud)).toEqual([]);
  });

  it('reports chargebacks about delayDays late and reviews much sooner', () => {
    const labels = world.labels(orders, { delayDays: 20 });
    const delay = (l: (typeof labels)[number]): number => (Date.parse(l.reportedAt) - Date.parse(byId.get(l.orderId)!.event.placedAt)) / DAY;
    const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const chargebacks = median(labels.filter((l) => l.source === 'chargeback').map(delay));
    expect(chargebacks).toBeGreaterThan(14);
    expect(chargebacks).toBeLessThan(28);
    expect(median(labels.filter((l) => l.source === 'manual_review').map(delay))).toBeLessThan(chargebacks / 2);
  });

  it('gives an order the same label whatever else is passed with it', () => {
    const all = world.labels(orders);
    const subset = orders.filter((_, i) => i % 3 === 0);
    const ids = new Set(subset.map((o) => o.event.orderId));
    expect(world.labels(subset)).toEqual(all.filter((l) => ids.has(l.orderId)));
  });

  it('leaves out labels not yet reported at asOf', () => {
    const asOf = new Date(Date.parse(orders.at(-1)!.event.placedAt) + 3 * DAY);
    const seen = world.labels(orders, { asOf });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.length).toBeLessThan(world.labels(orders).length);
    for (const l of seen) expect(Date.parse(l.reportedAt)).toBeLessThanOrEqual(asOf.getTime());
  });

  it('rejects nonsensical options', () => {
    expect(() => world.labels(orders, { coverage: 1.5 })).toThrow(RangeError);
    expect(() => world.labels(orders, { delayDays: 0 })).toThrow(RangeError);
    expect(() => world.labels(orders, { asOf: 'yesterday' })).toThrow(RangeError);
  });
});
