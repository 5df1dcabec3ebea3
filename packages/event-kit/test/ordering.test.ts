import { OrderPlaced } from '@commerce/contracts';
import { createPubSubClient } from '../src/client.js';
import { RetryableError } from '../src/errors.js';
import { PubSubEventBus } from '../src/pubsub-bus.js';
import { emulatorHost, order, orderTopology, provisioned, uniqueProject } from '@commerce/testing';

const SUB = 'order-placed.ledger';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('ordered subscriptions against the emulator', () => {
  it('run one handler at a time per ordering key, in publish order, while different keys run side by side', async () => {
    const projectId = uniqueProject('ordering-lanes');
    const pubsub = await provisioned(projectId, orderTopology('ledger', { ordering: true }));
    const bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: emulatorHost() }), source: 'test' });
    const running = new Map<string, number>();
    let overlapSameKey = 0;
    let maxAtOnce = 0;
    let atOnce = 0;
    const handled: Array<[string, string]> = [];
    await bus.subscribe(OrderPlaced, SUB, async (e) => {
      running.set(e.userId, (running.get(e.userId) ?? 0) + 1);
      if (running.get(e.userId)! > 1) overlapSameKey += 1;
      maxAtOnce = Math.max(maxAtOnce, ++atOnce);
      await sleep(25); // long enough for the next message of the key to be delivered meanwhile
      handled.push([e.userId, e.orderId]);
      atOnce -= 1;
      running.set(e.userId, running.get(e.userId)! - 1);
    }, { maxInFlight: 50 }).ready;
    // Published all at once: the broker hands the client several messages of each key together.
    await Promise.all(Array.from({ length: 24 }, (_, i) => bus.publish(OrderPlaced, order(i, `u-${i % 3}`))));
    try {
      await until(() => handled.length === 24, 60_000, '24 handled orders');
      expect(overlapSameKey).toBe(0);
      for (const key of ['u-0', 'u-1', 'u-2']) {
        const expected = Array.from({ length: 24 }, (_, i) => i).filter((i) => i % 3 === Number(key.slice(2))).map((i) => `o-${i}`);
        expect(handled.filter(([k]) => k === key).map(([, id]) => id)).toEqual(expected);
      }
      // Keys are independent lanes: serialising per key must not serialise the subscription.
      expect(maxAtOnce).toBeGreaterThan(1);
    } finally {
      await bus.close();
      await pubsub.close();
    }
  });

  it('after a retryable failure, later messages of that key wait for the redelivery instead of overtaking it', async () => {
    const projectId = uniqueProject('ordering-nack');
    const pubsub = await provisioned(projectId, orderTopology('ledger', { ordering: true }));
    const bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: emulatorHost() }), source: 'test' });
    const done: string[] = [];
    let failedOnce = false;
    await bus.subscribe(OrderPlaced, SUB, async (e) => {
      if (e.orderId === 'o-1' && !failedOnce) {
        failedOnce = true;
        throw new RetryableError('ledger briefly unavailable', 'LEDGER_DOWN');
      }
      done.push(e.orderId);
    }).ready;
    await Promise.all([0, 1, 2, 3, 4].map((i) => bus.publish(OrderPlaced, order(i, 'u-same'))));
    try {
      await until(() => done.length >= 5, 60_000, 'all five orders after the redelivery');
      await sleep(1500); // anything handled twice would show up here
      expect(failedOnce).toBe(true);
      // Duplicates are dropped by event id; what counts is that o-2..o-4 never went before o-1.
      expect(done).toEqual(['o-0', 'o-1', 'o-2', 'o-3', 'o-4']);
    } finally {
      await bus.close();
      await pubsub.close();
    }
  });

  it('a handler that releases its key early lets the next message of the key start while it finishes', async () => {
    const projectId = uniqueProject('ordering-release');
    const pubsub = await provisioned(projectId, orderTopology('ledger', { ordering: true }));
    const bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: emulatorHost() }), source: 'test' });
    const log: string[] = [];
    let openGate!: () => void;
    const gate = new Promise<void>((r) => (openGate = r));
    await bus.subscribe(OrderPlaced, SUB, async (e, ctx) => {
      log.push(`start ${e.orderId}`);
      if (e.orderId === 'o-0') {
        ctx.releaseOrderingKey?.(); // the order-sensitive part is done
        await gate; // e.g. publishing and making the effect durable
      }
      log.push(`end ${e.orderId}`);
    }).ready;
    try {
      await Promise.all([0, 1].map((i) => bus.publish(OrderPlaced, order(i, 'u-same'))));
      await until(() => log.includes('end o-1'), 30_000, 'o-1 to finish while o-0 waits');
      expect(log).toEqual(['start o-0', 'start o-1', 'end o-1']);
      openGate();
      await until(() => log.includes('end o-0'), 30_000, 'o-0 to finish');
    } finally {
      openGate();
      await bus.close();
      await pubsub.close();
    }
  });
});
