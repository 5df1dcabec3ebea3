import { OrderPlaced, OrderScored } from '@commerce/contracts';
import type { PubSub } from '@google-cloud/pubsub';
import { Registry } from 'prom-client';
import { PubSubEventBus } from './pubsub-bus.js';

/**
 * The bus's wiring of the client library, with a stand-in PubSub that records what the bus asks
 * of it. What the broker does with it is covered against the emulator in test/.
 */
function fakePubSub() {
  const topicOptions = new Map<string, { batching: { maxMilliseconds: number }; messageOrdering: boolean }>();
  const subscriptionOptions = new Map<string, { streamingOptions?: { maxStreams?: number } }>();
  const sent: unknown[] = [];
  const answers: Array<(id: string) => void> = [];
  let closed = false;
  const pubsub = {
    topic(name: string, options: { batching: { maxMilliseconds: number }; messageOrdering: boolean }) {
      topicOptions.set(name, options);
      return {
        // Both forms of the library's publishMessage: a callback, or a promise without one.
        publishMessage(m: { attributes?: Record<string, unknown> }, callback?: (err: Error | null, messageId?: string) => void) {
          // As the library does, before anything is queued.
          for (const [k, v] of Object.entries(m.attributes ?? {})) if (typeof v !== 'string') throw new TypeError(`attribute ${k} must be a string`);
          sent.push(m);
          if (callback) answers.push((id) => callback(null, id));
          else return new Promise<string>((resolve) => answers.push(resolve));
        },
        flush: async () => undefined,
        resumePublishing: () => undefined,
      };
    },
    subscription(name: string, options: { streamingOptions?: { maxStreams?: number } }) {
      subscriptionOptions.set(name, options);
      return { getMetadata: () => new Promise(() => undefined) }; // the test looks only at the options
    },
    close: async () => {
      closed = true;
    },
  } as unknown as PubSub;
  return { pubsub, topicOptions, subscriptionOptions, sent, answers, isClosed: () => closed };
}

const order = { ...OrderPlaced.example };
const scored = { ...OrderScored.example };

describe('PubSubEventBus wiring', () => {
  it('gives topics with ordering keys no batching wait by default, and the configured wait to the others', () => {
    const f = fakePubSub();
    const bus = new PubSubEventBus({ pubsub: f.pubsub, source: 't', metricsRegistry: new Registry(), batching: { maxMs: 25 } });
    void bus.publish(OrderPlaced, order); // ordered by user
    void bus.publish(OrderScored, scored); // no ordering key
    expect(f.topicOptions.get('order-placed')).toMatchObject({ messageOrdering: true, batching: { maxMilliseconds: 0 } });
    expect(f.topicOptions.get('order-scored')).toMatchObject({ messageOrdering: false, batching: { maxMilliseconds: 25 } });

    const g = fakePubSub();
    const tuned = new PubSubEventBus({ pubsub: g.pubsub, source: 't', metricsRegistry: new Registry(), batching: { orderedMaxMs: 3 } });
    void tuned.publish(OrderPlaced, order);
    expect(g.topicOptions.get('order-placed')).toMatchObject({ batching: { maxMilliseconds: 3 } });
  });

  it('opens the configured number of streaming pulls per subscription, and one where a subscription asks for it', () => {
    const f = fakePubSub();
    const bus = new PubSubEventBus({ pubsub: f.pubsub, source: 't', metricsRegistry: new Registry(), streams: 2 });
    bus.subscribe(OrderPlaced, 'order-placed.t', async () => undefined);
    bus.subscribe(OrderScored, 'order-scored.t', async () => undefined, { streams: 1 });
    expect(f.subscriptionOptions.get('order-placed.t')?.streamingOptions?.maxStreams).toBe(2);
    expect(f.subscriptionOptions.get('order-scored.t')?.streamingOptions?.maxStreams).toBe(1);

    const g = fakePubSub();
    new PubSubEventBus({ pubsub: g.pubsub, source: 't', metricsRegistry: new Registry() }).subscribe(OrderPlaced, 'order-placed.t', async () => undefined);
    expect(g.subscriptionOptions.get('order-placed.t')?.streamingOptions?.maxStreams).toBe(5); // the client library's default
  });

  it('reports an invalid event and a closed bus as a rejected promise, never a throw, and sends nothing', async () => {
    const f = fakePubSub();
    const bus = new PubSubEventBus({ pubsub: f.pubsub, source: 't', metricsRegistry: new Registry() });
    let invalid: Promise<unknown> | undefined;
    expect(() => (invalid = bus.publish(OrderPlaced, { ...order, placedAt: 'yesterday' }))).not.toThrow();
    await expect(invalid).rejects.toThrow(/placedAt/);
    await bus.close();
    let late: Promise<unknown> | undefined;
    expect(() => (late = bus.publish(OrderPlaced, order))).not.toThrow();
    await expect(late).rejects.toThrow(/closed/);
    expect(f.sent).toEqual([]);
  });

  it('closes the client only after every outstanding publish has its answer, and hands back receipts', async () => {
    const f = fakePubSub();
    const bus = new PubSubEventBus({ pubsub: f.pubsub, source: 't', metricsRegistry: new Registry() });
    const receipts = [bus.publish(OrderPlaced, order), bus.publish(OrderScored, scored)];
    const closing = bus.close();
    await new Promise((r) => setImmediate(r));
    expect(f.isClosed()).toBe(false);
    f.answers.forEach((answer, i) => answer(`m-${i}`));
    await closing;
    expect(f.isClosed()).toBe(true);
    const [first, second] = await Promise.all(receipts);
    expect(first).toMatchObject({ topic: 'order-placed', messageId: 'm-0', orderingKey: order.userId });
    expect(second).toMatchObject({ topic: 'order-scored', messageId: 'm-1' });
    expect(second).not.toHaveProperty('orderingKey');
  });

  it('reports a message the library refuses before sending as a failed publish, and still closes', async () => {
    const f = fakePubSub();
    const bus = new PubSubEventBus({ pubsub: f.pubsub, source: 't', metricsRegistry: new Registry() });
    const refused = await bus.publishRaw('order-scored', Buffer.from('{}'), { 'ce-id': 'e-1', count: 3 as unknown as string }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'PublishError', eventId: 'e-1', cause: expect.objectContaining({ message: 'attribute count must be a string' }) });
    expect(f.sent).toEqual([]);
    await bus.close(); // nothing left outstanding: a refused send must not hold close() up
    expect(f.isClosed()).toBe(true);
  });
});
