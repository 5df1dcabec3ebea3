import { ContractViolationError, OrderPlaced, type OrderPlacedEvent } from '@commerce/contracts';
import { DeadLetterAttributes } from './envelope.js';
import { PermanentError, RetryableError } from './errors.js';
import { InMemoryEventBus } from './memory-bus.js';

const SUB = 'order-placed.test-consumer';
const order = (orderId: string): OrderPlacedEvent => ({ ...OrderPlaced.example, orderId });
const counter = async (bus: InMemoryEventBus, name: string): Promise<number> => {
  const m = (await bus.metrics.registry.getSingleMetric(name)?.get())?.values.find((v) => v.labels['subscription'] === SUB);
  return m?.value ?? 0;
};

describe('InMemoryEventBus (the delivery pipeline shared with the Pub/Sub bus)', () => {
  it('delivers validated events with their context and acks', async () => {
    const bus = new InMemoryEventBus();
    const seen: Array<[string, number]> = [];
    bus.subscribe(OrderPlaced, SUB, async (e, ctx) => {
      seen.push([e.orderId, ctx.deliveryAttempt]);
      expect(ctx.orderingKey).toBe(e.userId);
    });
    const r = await bus.publish(OrderPlaced, order('o-1'));
    await bus.drain();
    expect(seen).toEqual([['o-1', 1]]);
    expect(r.eventId).toBeTruthy();
    expect(await counter(bus, 'eventkit_messages_acked_total')).toBe(1);
  });

  it('refuses to publish an invalid event, names the field and sends nothing', async () => {
    const bus = new InMemoryEventBus();
    const bad = { ...order('o-2'), total: { value: 12.5, currency: 'SEK' } };
    await expect(bus.publish(OrderPlaced, bad)).rejects.toThrow(ContractViolationError);
    await expect(bus.publish(OrderPlaced, bad)).rejects.toThrow(/OrderPlaced .*\/total\/value: Expected integer/);
    expect(bus.published(OrderPlaced)).toHaveLength(0);
  });

  it('dead-letters an invalid payload at once with a readable reason', async () => {
    const bus = new InMemoryEventBus();
    let handled = 0;
    bus.subscribe(OrderPlaced, SUB, async () => {
      handled++;
    });
    const bad = { ...order('o-3'), items: [] };
    await bus.publishRaw('order-placed', Buffer.from(JSON.stringify(bad)), { 'ce-id': 'e-3', 'ce-type': 'OrderPlaced' });
    await bus.drain();
    expect(handled).toBe(0);
    const [dead] = bus.deadLetters(SUB);
    expect(dead?.attributes[DeadLetterAttributes.Code]).toBe('CONTRACT_VIOLATION');
    expect(dead?.attributes[DeadLetterAttributes.Reason]).toMatch(/\/items: Expected array length to be greater or equal to 1/);
    expect(dead?.attributes[DeadLetterAttributes.DeliveryAttempt]).toBe('1');
  });

  it('dead-letters bytes that are not JSON', async () => {
    const bus = new InMemoryEventBus();
    bus.subscribe(OrderPlaced, SUB, async () => undefined);
    await bus.publishRaw('order-placed', Buffer.from('{not json'), { 'ce-id': 'e-4', 'ce-type': 'OrderPlaced' });
    await bus.drain();
    expect(bus.deadLetters(SUB)[0]?.attributes[DeadLetterAttributes.Code]).toBe('UNDECODABLE');
  });

  it('retries a failing handler, then dead-letters it after the configured attempts with the last error', async () => {
    const bus = new InMemoryEventBus({ maxDeliveryAttempts: 5 });
    const attempts: number[] = [];
    bus.subscribe(OrderPlaced, SUB, async (_e, ctx) => {
      attempts.push(ctx.deliveryAttempt);
      throw new RetryableError('ledger unavailable', 'LEDGER_DOWN');
    });
    await bus.publish(OrderPlaced, order('o-5'));
    await bus.drain();
    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    const [dead] = bus.deadLetters(SUB);
    expect(dead?.attributes[DeadLetterAttributes.Reason]).toBe('gave up after 5 attempts: ledger unavailable');
    expect(dead?.attributes[DeadLetterAttributes.Code]).toBe('LEDGER_DOWN');
    expect(dead?.attributes[DeadLetterAttributes.Retryable]).toBe('true');
  });

  it('retries an event whose processed-ids store is down, then dead-letters it with the reason instead of retrying forever', async () => {
    const bus = new InMemoryEventBus({ maxDeliveryAttempts: 3 });
    let handled = 0;
    const down = { has: async () => Promise.reject(new Error('redis: connection refused')), add: () => undefined };
    bus.subscribe(OrderPlaced, SUB, async () => void handled++, { processedIds: down });
    await bus.publish(OrderPlaced, order('o-store'));
    await bus.drain();
    expect(handled).toBe(0);
    const [dead] = bus.deadLetters(SUB);
    expect(dead?.attributes[DeadLetterAttributes.Reason]).toBe('gave up after 3 attempts: redis: connection refused');
    expect(dead?.attributes[DeadLetterAttributes.DeliveryAttempt]).toBe('3');
  });

  it('dead-letters a permanent handler error on the first attempt', async () => {
    const bus = new InMemoryEventBus();
    let calls = 0;
    bus.subscribe(OrderPlaced, SUB, async () => {
      calls++;
      throw new PermanentError('merchant m-x is unknown', 'UNKNOWN_MERCHANT');
    });
    await bus.publish(OrderPlaced, order('o-6'));
    await bus.drain();
    expect(calls).toBe(1);
    expect(bus.deadLetters(SUB)[0]?.attributes[DeadLetterAttributes.Retryable]).toBe('false');
  });

  it('runs the handler once for an event delivered twice (idempotency by event id)', async () => {
    const bus = new InMemoryEventBus();
    const handled: string[] = [];
    bus.subscribe(OrderPlaced, SUB, async (e) => {
      handled.push(e.orderId);
    });
    await bus.publish(OrderPlaced, order('o-7'), { eventId: 'same-id' });
    await bus.publish(OrderPlaced, order('o-7'), { eventId: 'same-id' });
    await bus.drain();
    expect(handled).toEqual(['o-7']);
    expect(await counter(bus, 'eventkit_duplicates_skipped_total')).toBe(1);
  });

  it('does not remember a failed event, so its redelivery runs the handler again', async () => {
    const bus = new InMemoryEventBus();
    let calls = 0;
    bus.subscribe(OrderPlaced, SUB, async () => {
      calls++;
      if (calls === 1) throw new Error('transient');
    });
    await bus.publish(OrderPlaced, order('o-8'));
    await bus.drain();
    expect(calls).toBe(2);
    expect(bus.deadLetters(SUB)).toHaveLength(0);
  });

  it('refuses a subscription that is not on the contract topic', () => {
    const bus = new InMemoryEventBus();
    expect(() => bus.subscribe(OrderPlaced, 'order-scored.x', async () => undefined)).toThrow(/not on topic order-placed/);
  });
});
