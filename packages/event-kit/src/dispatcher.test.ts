import { OrderScored } from '@commerce/contracts';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { EventContext } from './bus.js';
import { Dispatcher, type Delivery, type Outcome } from './dispatcher.js';
import { encodeEvent } from './envelope.js';
import { PermanentError } from './errors.js';
import { eventKitMetrics } from './metrics.js';
import { MemoryProcessedIds, type ProcessedIdsStore } from './processed-ids.js';

/** A delivery of a fresh, valid order-scored event. */
function delivery(attempt = 1): Delivery {
  const e = encodeEvent(OrderScored, OrderScored.example, { source: 'test' });
  return { data: e.data, attributes: e.attributes, messageId: `m-${e.eventId}`, publishTime: new Date(), orderingKey: undefined, deliveryAttempt: attempt };
}

function dispatcher(handler: (event: unknown) => unknown, processedIds: ProcessedIdsStore = new MemoryProcessedIds()): Dispatcher {
  return new Dispatcher({
    contract: OrderScored,
    subscription: 'order-scored.test',
    handler: handler as never,
    processedIds,
    metrics: eventKitMetrics(new Registry()),
    logger: pino({ level: 'silent' }),
    maxDeliveryAttempts: 5,
    signal: new AbortController().signal,
  });
}

/** A store whose answers come later, as a shared store's (Redis, Bigtable) do. */
class SlowStore implements ProcessedIdsStore {
  readonly ids = new Set<string>();
  failAdd = false;
  has = async (id: string): Promise<boolean> => this.ids.has(id);
  add = async (id: string): Promise<void> => {
    if (this.failAdd) throw new Error('store unavailable');
    this.ids.add(id);
  };
}

/**
 * Dispatches and resolves with the outcome. Fails the test if the dispatcher throws or calls
 * back more than once (each callback is an ack or a nack: two would settle a message twice).
 */
function outcomeOf(d: Dispatcher, delivery: Delivery): Promise<Outcome> {
  return new Promise<Outcome>((resolve, reject) => {
    let calls = 0;
    d.dispatch(delivery, (outcome, back) => {
      if (++calls > 1) reject(new Error(`called back ${calls} times`));
      else if (back !== delivery) reject(new Error('called back with another delivery'));
      // One turn later, so a second call back would have happened by then.
      else setImmediate(() => (calls === 1 ? resolve(outcome) : reject(new Error(`called back ${calls} times`))));
    });
  });
}
const kindOf = async (o: Promise<Outcome>): Promise<string> => (await o).kind;

describe('Dispatcher (the delivery pipeline both buses share)', () => {
  it('acks after a synchronous or an asynchronous handler, and skips the same event delivered again', async () => {
    for (const handler of [() => undefined, async () => undefined]) {
      let runs = 0;
      const d = dispatcher(() => {
        runs++;
        return handler();
      });
      const first = delivery();
      expect(await kindOf(outcomeOf(d, first))).toBe('ack');
      expect(await kindOf(outcomeOf(d, { ...first, messageId: 'm-again', deliveryAttempt: 2 }))).toBe('duplicate');
      expect(runs).toBe(1);
      expect(d.inFlight).toBe(0);
    }
  });

  it('treats a thrown and a rejected handler error alike: retried, then dead-lettered on the last attempt; permanent at once', async () => {
    for (const fail of [(err: Error) => { throw err; }, async (err: Error) => Promise.reject(err)]) {
      const d = dispatcher(() => fail(new Error('downstream timed out')));
      expect(await outcomeOf(d, delivery(1))).toMatchObject({ kind: 'nack' });
      expect(await outcomeOf(d, delivery(5))).toMatchObject({ kind: 'dead-letter', retryable: true, reason: expect.stringMatching(/gave up after 5 attempts: downstream timed out/) });
      const p = dispatcher(() => fail(new PermanentError('order belongs to no known merchant')));
      expect(await outcomeOf(p, delivery(1))).toMatchObject({ kind: 'dead-letter', retryable: false, reason: 'order belongs to no known merchant' });
      expect(d.inFlight + p.inFlight).toBe(0);
    }
  });

  it('runs a failed event again on redelivery: it is recorded as processed only after its handler succeeds', async () => {
    let calls = 0;
    const d = dispatcher(() => {
      if (++calls === 1) throw new Error('first try fails');
    });
    const m = delivery();
    expect(await kindOf(outcomeOf(d, m))).toBe('nack');
    expect(await kindOf(outcomeOf(d, { ...m, deliveryAttempt: 2 }))).toBe('ack');
    expect(calls).toBe(2);
  });

  it('works with an asynchronous processed-ids store, and retries an event whose id it could not record', async () => {
    const store = new SlowStore();
    let runs = 0;
    const d = dispatcher(async () => void runs++, store);
    const m = delivery();
    expect(await kindOf(outcomeOf(d, m))).toBe('ack');
    expect(await kindOf(outcomeOf(d, m))).toBe('duplicate');
    store.failAdd = true;
    const other = delivery();
    expect(await kindOf(outcomeOf(d, other))).toBe('nack');
    expect(store.ids.has(other.attributes['ce-id']!)).toBe(false);
    expect(runs).toBe(2);
    expect(d.inFlight).toBe(0);
  });

  it('takes any thenable a store hands back, as await did', async () => {
    const ids = new Set<string>();
    // The least a thenable can be: it calls back later and returns nothing.
    const thenable = <T>(value: T): PromiseLike<T> => ({ then: ((ok: (v: T) => void) => void setImmediate(() => ok(value))) as never });
    const store = { has: (id: string) => thenable(ids.has(id)), add: (id: string) => thenable(void ids.add(id)) } as unknown as ProcessedIdsStore;
    const d = dispatcher(async () => undefined, store);
    const m = delivery();
    expect(await kindOf(outcomeOf(d, m))).toBe('ack');
    expect(await kindOf(outcomeOf(d, m))).toBe('duplicate');
  });

  it('nacks without running the handler when the processed-ids store throws or rejects, and dead-letters on the last attempt', async () => {
    for (const has of [() => { throw new Error('store not connected'); }, async () => Promise.reject(new Error('store not connected'))]) {
      let runs = 0;
      const d = dispatcher(() => void runs++, { has, add: () => undefined } as ProcessedIdsStore);
      expect(await outcomeOf(d, delivery())).toMatchObject({ kind: 'nack', code: 'PIPELINE_ERROR', error: expect.objectContaining({ message: 'store not connected' }) });
      expect(await outcomeOf(d, delivery(5))).toMatchObject({ kind: 'dead-letter', reason: 'gave up after 5 attempts: store not connected' });
      expect(runs).toBe(0);
    }
  });

  it('counts a second delivery that arrives while the first is still running as a duplicate, and leaves the first to decide', async () => {
    let finish!: () => void;
    const d = dispatcher(() => new Promise<void>((r) => (finish = r)));
    const m = delivery();
    const first = outcomeOf(d, m);
    expect(await kindOf(outcomeOf(d, { ...m, messageId: 'm-copy' }))).toBe('duplicate');
    expect(d.inFlight).toBe(1);
    finish();
    expect(await kindOf(first)).toBe('ack');
    expect(d.inFlight).toBe(0);
  });

  it('lets a handler destructure releaseOrderingKey and call it without the context', async () => {
    let released = 0;
    const d = dispatcher(async (_event: unknown, ctx?: unknown) => {
      const { releaseOrderingKey } = ctx as EventContext;
      releaseOrderingKey?.();
    });
    expect(await kindOf(outcomeOf(d, { ...delivery(), orderingKey: 'u-1', releaseOrderingKey: () => released++ }))).toBe('ack');
    expect(released).toBe(1);
    // Unordered: nothing to release, and calling it is still safe.
    expect(await kindOf(outcomeOf(d, delivery()))).toBe('ack');
  });
});
