import { FraudAlert, OrderPlaced, OrderScored, type OrderPlacedEvent } from '@commerce/contracts';
import { InMemoryEventBus } from '@commerce/event-kit';
import { RulesScorer } from '../domain/rules-scorer.js';
import { createOrderPlacedHandler } from './order-placed.js';

const SUB = 'order-placed.fraud-scorer';
const thresholds = { review: 0.5, decline: 0.85, alert: 0.9 };

function setup() {
  const bus = new InMemoryEventBus({ source: 'fraud-scorer' });
  bus.subscribe(OrderPlaced, SUB, createOrderPlacedHandler({ bus, scorer: new RulesScorer(), thresholds: {}, defaults: thresholds }));
  return bus;
}

/** An honest-looking order by a shopper with a two-year-old account. */
function order(n: number, over: Partial<OrderPlacedEvent> = {}): OrderPlacedEvent {
  const e = OrderPlaced.example;
  return {
    ...e,
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

describe('order-placed handler with the rules scorer', () => {
  it('approves an ordinary order and publishes one order-scored with the model and backend', async () => {
    const bus = setup();
    await bus.publish(OrderPlaced, order(1));
    await bus.drain();
    const [scored] = bus.published(OrderScored);
    expect(bus.published(OrderScored)).toHaveLength(1);
    expect(scored?.event).toMatchObject({ orderId: 'o-1', userId: 'u-1', decision: 'approve', modelVersion: 'rules@1', backend: 'rules' });
    expect(scored!.event.score).toBeLessThan(thresholds.review);
    expect(bus.published(FraudAlert)).toHaveLength(0);
  });

  it('declines the seventh new account on one shared device and card, alerts, and names the ring', async () => {
    const bus = setup();
    const shared = { device: { deviceId: 'd-ring', ip: '10.9.8.7', userAgent: 'x' }, payment: { method: 'card' as const, instrumentId: 'card-ring', cardCountry: 'SE' } };
    for (let n = 1; n <= 7; n++) {
      await bus.publish(OrderPlaced, order(100 + n, { ...shared, customer: { email: `r${n}@example.se`, accountCreatedAt: '2026-11-21T09:00:00.000Z' } }));
    }
    await bus.drain();
    const last = bus.published(OrderScored).find((s) => s.event.orderId === 'o-107')!.event;
    expect(last.decision).toBe('decline');
    expect(last.reasons[0]?.description).toMatch(/shared with 7 accounts/);
    expect(last.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['device_shared_accounts', 'card_shared_accounts', 'new_account']));
    const alert = bus.published(FraudAlert).find((a) => a.event.orderId === 'o-107')!.event;
    expect(alert.pattern).toBe('ring');
    expect(alert.entities.filter((e) => e.type === 'user').map((e) => e.id)).toEqual(expect.arrayContaining(['u-101', 'u-106', 'u-107']));
    expect(alert.edges).toContainEqual({ from: 'user:u-101', to: 'device:d-ring', relation: 'used_device' });
  });

  it('continues the trace of the order and derives the score event id from it', async () => {
    const bus = setup();
    await bus.publish(OrderPlaced, order(2));
    await bus.drain();
    const placed = bus.published(OrderPlaced)[0]!;
    const scored = bus.published(OrderScored)[0]!;
    expect(scored.attributes['ce-traceparent']?.split('-')[1]).toBe(placed.attributes['ce-traceparent']?.split('-')[1]);
    expect(scored.attributes['ce-source']).toBe('//commerce/fraud-scorer');
  });

  it('scores a re-sent order (new event id, same order) identically and does not count it twice', async () => {
    const bus = setup();
    for (const n of [1, 2, 3]) await bus.publish(OrderPlaced, order(n, { userId: 'u-same', device: { deviceId: 'd-same', ip: '1.2.3.4', userAgent: '' } }));
    await bus.publish(OrderPlaced, order(3, { userId: 'u-same', device: { deviceId: 'd-same', ip: '1.2.3.4', userAgent: '' } }));
    await bus.drain();
    const scores = bus.published(OrderScored).filter((s) => s.event.orderId === 'o-3').map((s) => s.event.score);
    expect(scores).toHaveLength(2);
    expect(scores[0]).toBe(scores[1]);
  });
});
