import { OrderPlaced } from '@commerce/contracts';
import { emulatorHost, eventually, order, orderTopology, provisioned, uniqueProject } from '@commerce/testing';
import type { PubSub } from '@google-cloud/pubsub';
import { createPubSubClient } from '../src/client.js';
import type { ProcessedIdsStore } from '../src/processed-ids.js';
import { PubSubEventBus } from '../src/pubsub-bus.js';

const SUB = 'order-placed.watchdog';
/** Far below the 5-minute default, so a test sees several watchdog decisions. */
const STALL_MS = 1500;
const WATCHDOG_EVERY_MS = 250;
/** Long enough for the watchdog to look many times after a stream would count as stalled. */
const WELL_PAST_STALL_MS = STALL_MS * 3;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Gates still shut when a test ends are opened, so a failed test does not hang the bus's close. */
const gates: Array<() => void> = [];
function gate(): { open: () => void; wait: Promise<void> } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  gates.push(open);
  return { open, wait };
}

async function counter(bus: PubSubEventBus, name: string, labels: Record<string, string>): Promise<number> {
  const metric = bus.metrics.registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`${name} is not registered`);
  const { values } = await metric.get();
  return values.filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want)).reduce((sum, v) => sum + v.value, 0);
}
const stalledRestarts = (bus: PubSubEventBus): Promise<number> => counter(bus, 'eventkit_stream_restarts_total', { subscription: SUB, reason: 'stalled' });
const acked = (bus: PubSubEventBus): Promise<number> => counter(bus, 'eventkit_messages_acked_total', { subscription: SUB });

describe('the stalled-stream watchdog against the emulator', () => {
  let admin: PubSub;
  let bus: PubSubEventBus;

  async function setUp(name: string): Promise<void> {
    const projectId = uniqueProject(name);
    admin = await provisioned(projectId, orderTopology('watchdog'));
    bus = new PubSubEventBus({
      pubsub: createPubSubClient({ projectId, emulatorHost: emulatorHost() }),
      source: 'test',
      stallTimeoutMs: STALL_MS,
      watchdogIntervalMs: WATCHDOG_EVERY_MS,
    });
  }

  afterEach(async () => {
    gates.splice(0).forEach((open) => open());
    await bus.close();
    await admin.close();
  });

  it('reopens an idle stream, and the reopened stream still delivers and acks', async () => {
    await setUp('watchdog-idle');
    const handled: string[] = [];
    const handle = bus.subscribe(OrderPlaced, SUB, async (e) => void handled.push(e.orderId));
    await handle.ready;
    expect(await stalledRestarts(bus)).toBe(0);

    // Twice: a reopened stream is watched, and reopened, like the first.
    expect(await eventually(async () => (await stalledRestarts(bus)) >= 2, 30_000)).toBe(true);
    expect(handled).toEqual([]);

    await bus.publish(OrderPlaced, order(1));
    expect(await eventually(async () => (await acked(bus)) === 1, 30_000)).toBe(true);
    expect(handled).toEqual(['o-1']);
    expect(handle.health()).toMatchObject({ open: true, inFlight: 0 });
    expect(bus.health().ready).toBe(true);
  });

  it('does not reopen while a handler is running, so the message is not taken away from it', async () => {
    await setUp('watchdog-busy');
    const release = gate();
    const attempts: number[] = [];
    const handle = bus.subscribe(OrderPlaced, SUB, async (_e, ctx) => {
      attempts.push(ctx.deliveryAttempt);
      await release.wait;
    });
    await handle.ready;
    await bus.publish(OrderPlaced, order(2));
    expect(await eventually(() => attempts.length === 1, 30_000)).toBe(true);

    const atStart = await stalledRestarts(bus);
    await sleep(WELL_PAST_STALL_MS);
    expect(await stalledRestarts(bus)).toBe(atStart);
    expect(handle.health()).toMatchObject({ open: true, inFlight: 1 });
    expect(attempts).toEqual([1]); // not nacked and redelivered under the running handler

    release.open();
    expect(await eventually(async () => (await acked(bus)) === 1, 30_000)).toBe(true);
    // The watchdog was alive all along: once idle again, it reopens as usual.
    expect(await eventually(async () => (await stalledRestarts(bus)) > atStart, 30_000)).toBe(true);
    expect(attempts).toEqual([1]);
  });

  it('does not reopen while a delivery is still in flight before its handler starts (slow processed-ids lookup)', async () => {
    await setUp('watchdog-lookup');
    const release = gate();
    let lookups = 0;
    // A shared store (Redis, Bigtable) can be slow to answer; the message is held meanwhile.
    const slowStore: ProcessedIdsStore = {
      has: async () => {
        lookups++;
        await release.wait;
        return false;
      },
      add: () => undefined,
    };
    const attempts: number[] = [];
    const handle = bus.subscribe(OrderPlaced, SUB, async (_e, ctx) => void attempts.push(ctx.deliveryAttempt), { processedIds: slowStore });
    await handle.ready;
    await bus.publish(OrderPlaced, order(3));
    expect(await eventually(() => lookups === 1, 30_000)).toBe(true);

    const atStart = await stalledRestarts(bus);
    await sleep(WELL_PAST_STALL_MS);
    expect(await stalledRestarts(bus)).toBe(atStart);
    expect(lookups).toBe(1); // not nacked and redelivered while the first delivery waits

    release.open();
    expect(await eventually(async () => (await acked(bus)) === 1, 30_000)).toBe(true);
    expect(attempts).toEqual([1]);
  });
});
