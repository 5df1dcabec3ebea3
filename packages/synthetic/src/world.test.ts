import { OrderPlaced, type OrderPlacedEvent } from '@commerce/contracts';
import { FraudPatterns, type SyntheticOrder } from './types.js';
import { createWorld } from './world.js';

const START = '2026-11-01T00:00:00.000Z';
const small = { shoppers: 1_500, merchants: 25, products: 400, start: START } as const;

function firstIssue(orders: readonly SyntheticOrder[]): string | undefined {
  for (const o of orders) {
    const issues = OrderPlaced.publishIssues(o.event);
    if (issues.length > 0) return `${o.truth.pattern} ${JSON.stringify(issues)} in ${JSON.stringify(o.event)}`;
  }
  return undefined;
}

describe('createWorld determinism', () => {
  it('gives byte-identical catalogue, shoppers, orders and labels for the same seed and options', () => {
    const a = createWorld({ seed: 42, ...small });
    const b = createWorld({ seed: 42, ...small });
    expect(JSON.stringify(a.products())).toBe(JSON.stringify(b.products()));
    expect(JSON.stringify(a.shoppers())).toBe(JSON.stringify(b.shoppers()));
    const oa = [...a.orders({ count: 4_000 })];
    const ob = [...b.orders({ count: 4_000 })];
    expect(JSON.stringify(oa)).toBe(JSON.stringify(ob));
    expect(JSON.stringify(a.labels(oa))).toBe(JSON.stringify(b.labels(ob)));
  });

  it('replays the same stream on every call, however the previous one was consumed', () => {
    const world = createWorld({ seed: 5, ...small });
    const partial = world.orders({ count: 3_000 });
    for (let i = 0; i < 100; i++) partial.next();
    expect(JSON.stringify([...world.orders({ count: 3_000 })])).toBe(JSON.stringify([...world.orders({ count: 3_000 })]));
  });

  it('gives a different world for a different seed', () => {
    const a = createWorld({ seed: 1, ...small });
    const b = createWorld({ seed: 2, ...small });
    expect(JSON.stringify(a.products())).not.toBe(JSON.stringify(b.products()));
    const ea = [...a.orders({ count: 500 })].map((o) => o.event);
    const eb = [...b.orders({ count: 500 })].map((o) => o.event);
    expect(ea.map((e) => e.orderId)).not.toEqual(eb.map((e) => e.orderId));
    expect(ea.map((e) => e.userId)).not.toEqual(eb.map((e) => e.userId));
  });

  it('keeps the catalogue when only the population size changes', () => {
    const a = createWorld({ seed: 3, ...small, shoppers: 300 });
    const b = createWorld({ seed: 3, ...small, shoppers: 900 });
    expect(JSON.stringify(a.products())).toBe(JSON.stringify(b.products()));
  });

  it('accepts any safe integer as a seed', () => {
    for (const seed of [0, -1, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
      expect([...createWorld({ seed, ...small, shoppers: 50 }).orders({ count: 20 })]).toHaveLength(20);
    }
  });
});

describe('order stream', () => {
  const world = createWorld({ seed: 11, ...small, fraudShare: 0.05 });
  let orders: SyntheticOrder[];
  let events: OrderPlacedEvent[];
  beforeAll(() => {
    orders = [...world.orders({ count: 20_000 })];
    events = orders.map((o) => o.event);
  }, 60_000);

  it('emits exactly the requested count', () => {
    expect(orders).toHaveLength(20_000);
  });

  it('passes the strict order-placed contract for every order, honest and fraudulent', () => {
    expect(firstIssue(orders)).toBeUndefined();
    for (const pattern of Object.values(FraudPatterns)) expect(orders.some((o) => o.truth.pattern === pattern)).toBe(true);
  });

  it('is in time order from the start, with unique opaque order ids', () => {
    const times = events.map((e) => Date.parse(e.placedAt));
    expect(times.filter((t, i) => i > 0 && t < times[i - 1]!)).toEqual([]);
    expect(times[0]).toBeGreaterThanOrEqual(Date.parse(START));
    expect(new Set(events.map((e) => e.orderId)).size).toBe(events.length);
    expect(events.filter((e) => !e.orderId.startsWith(`o-${e.placedAt.slice(0, 10).replaceAll('-', '')}-`) || !/^o-\d{8}-[0-9a-f]{8}$/.test(e.orderId))).toEqual([]);
  });

  it('totals every order as the exact sum of its items, in one currency', () => {
    const wrong = events.filter(
      (e) =>
        e.total.value !== e.items.reduce((s, i) => s + i.unitPrice.value * i.quantity, 0) ||
        !Number.isInteger(e.total.value) ||
        e.items.some((i) => i.unitPrice.currency !== e.total.currency),
    );
    expect(wrong).toEqual([]);
  });

  it('prices items as the catalogue does and sells them at the merchant that lists them', () => {
    const products = new Map(world.products().map((p) => [p.productId, p]));
    const wrong = events.flatMap((e) =>
      e.items.filter((i) => {
        const p = products.get(i.productId);
        return (
          p === undefined ||
          p.merchantId !== e.merchantId ||
          p.price.value !== i.unitPrice.value ||
          p.price.currency !== i.unitPrice.currency ||
          p.brand !== i.brand ||
          !p.colours.includes(i.colour) ||
          !(p.sizes.some((s) => i.sku.endsWith(`-${s.toLowerCase().replace(/\s+/g, '')}`))) ||
          !p.active ||
          p.stock === 0
        );
      }),
    );
    expect(wrong).toEqual([]);
  });

  it('never has an account created after its order', () => {
    expect(events.filter((e) => Date.parse(e.customer.accountCreatedAt) > Date.parse(e.placedAt))).toEqual([]);
  });

  it('keeps each shopper on one email and one account creation date', () => {
    const seen = new Map<string, string>();
    const drift: string[] = [];
    for (const e of events) {
      const fact = `${e.customer.email}|${e.customer.accountCreatedAt}`;
      if ((seen.get(e.userId) ?? fact) !== fact) drift.push(`${e.userId}: ${seen.get(e.userId)} then ${fact}`);
      seen.set(e.userId, fact);
    }
    expect(drift).toEqual([]);
  });

  it('uses ids that reveal nothing about fraud', () => {
    const odd = events.filter(
      (e) => !/^u-[0-9a-f]{8}$/.test(e.userId) || !/^d-[0-9a-f]{8}$/.test(e.device.deviceId) || !/^(card|bank)-fp-[0-9a-f]{8}$/.test(e.payment.instrumentId),
    );
    expect(odd).toEqual([]);
  });

  it('spreads the stream over count / ratePerSecond of simulated time', () => {
    const span = Date.parse(events.at(-1)!.placedAt) - Date.parse(events[0]!.placedAt);
    const expected = (20_000 / 0.05) * 1000;
    expect(span / expected).toBeGreaterThan(0.9);
    expect(span / expected).toBeLessThan(1.1);
    const fast = [...world.orders({ count: 2_000, ratePerSecond: 50 })].map((o) => Date.parse(o.event.placedAt));
    expect((fast.at(-1)! - fast[0]!) / 40_000).toBeLessThan(1.2);
  });
});

describe('fraud share', () => {
  it.each([
    [21, 0.03],
    [22, 0.05],
    [23, 0.1],
  ])('seed %i with fraudShare %f gives that share of fraud orders', (seed, fraudShare) => {
    const orders = [...createWorld({ seed, ...small, fraudShare }).orders({ count: 10_000 })];
    const share = orders.filter((o) => o.truth.fraud).length / orders.length;
    expect(Math.abs(share - fraudShare)).toBeLessThan(0.002);
  });

  it('generates only honest traffic at fraudShare 0', () => {
    expect([...createWorld({ seed: 24, ...small, fraudShare: 0 }).orders({ count: 3_000 })].some((o) => o.truth.fraud)).toBe(false);
  });

  it('splits fraud between patterns by fraudMix', () => {
    const only = [...createWorld({ seed: 25, ...small, fraudShare: 0.05, fraudMix: { card_testing: 1 } }).orders({ count: 4_000 })];
    expect(new Set(only.filter((o) => o.truth.fraud).map((o) => o.truth.pattern))).toEqual(new Set(['card_testing']));
    const mixed = [...createWorld({ seed: 26, ...small, fraudShare: 0.1 }).orders({ count: 20_000 })].filter((o) => o.truth.fraud);
    const ring = mixed.filter((o) => o.truth.pattern === 'ring').length / mixed.length;
    expect(ring).toBeCloseTo(0.35, 2);
  });
});

describe('options', () => {
  it('rejects options that cannot make a sensible world', () => {
    expect(() => createWorld({ seed: 1.5 })).toThrow(RangeError);
    expect(() => createWorld({ seed: 1, fraudShare: 0.9 })).toThrow(RangeError);
    expect(() => createWorld({ seed: 1, merchants: 10, products: 5 })).toThrow(RangeError);
    expect(() => createWorld({ seed: 1, shoppers: 0 })).toThrow(RangeError);
    expect(() => createWorld({ seed: 1, start: 'not a date' })).toThrow(RangeError);
    expect(() => createWorld({ seed: 1, fraudMix: { ring: 0 } })).toThrow(RangeError);
    const world = createWorld({ seed: 1, ...small, shoppers: 20 });
    expect(() => world.orders({ count: -1 }).next()).toThrow(RangeError);
    expect(() => world.orders({ count: 10, ratePerSecond: 0 }).next()).toThrow(RangeError);
  });

  it('resolves defaults into the world options', () => {
    const world = createWorld({ seed: 1, shoppers: 10, merchants: 3, products: 30 });
    expect(world.options).toMatchObject({ seed: 1, start: START, fraudShare: 0.03 });
    expect(world.options.fraudMix).toEqual({ ring: 0.35, card_testing: 0.25, mule: 0.2, account_takeover: 0.2 });
  });

  it('still works for a tiny world', () => {
    const world = createWorld({ seed: 9, shoppers: 3, merchants: 1, products: 2, fraudShare: 0.2 });
    const orders = [...world.orders({ count: 200 })];
    expect(orders).toHaveLength(200);
    expect(firstIssue(orders)).toBeUndefined();
  });
});
