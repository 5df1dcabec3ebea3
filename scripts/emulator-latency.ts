/**
 * `make emulator-latency`: the Pub/Sub emulator's own delivery latency on this machine, one hop,
 * with the raw client (no event kit, no service): publish -> message received, at a fixed rate,
 * on an ordered and an unordered subscription. This is the floor under every end-to-end figure
 * measured on the emulator (bench-fraud's order-placed -> order-scored crosses two such hops).
 *
 * What sets it: the emulator's streaming pull sends what is waiting, then sleeps 50 ms before it
 * looks again (`Thread.sleep(50)` in FakePubsubServer$StreamingPullPusher.run, emulator 0.8.20,
 * read with javap). A message waits 0-50 ms for the next look, so one hop's p99 is near 50 ms, and
 * two hops' waits add up to a p99 of about 93 ms for a service that takes no time. More streams did
 * not lower the ordered p99 (measured 133, 112 and 155 ms with 1, 5 and 20 streams).
 *
 * It also measures the emulator's delivery ceiling: a backlog drained by a consumer that only
 * acks, on an ordered subscription with as many keys as bench-fraud has shoppers (1 and 5
 * streams) and on an unordered one (5 streams), each on a fresh emulator (a long-used one has
 * wedged under this load). Each push of a streaming pull carries at most 100 messages (every
 * response seen carried 100 or fewer) and each stream sleeps 50 ms between pushes, so one stream
 * passes at most 2,000 messages a second; on an ordered subscription each push also walks every
 * ordering key, which made it far slower (measured 287-734/s with one stream and 2,400 keys).
 * Last line: one JSON object.
 */
import { startPubSubEmulator } from '@commerce/emulators';
import { createPubSubClient } from '@commerce/event-kit';
import type { Message } from '@google-cloud/pubsub';
import { Command } from 'commander';

const opts = new Command()
  .option('--rate <n>', 'messages per second', (v) => Number(v), 200)
  .option('--messages <n>', 'messages per subscription (the first third warms up and is not counted)', (v) => Number(v), 3000)
  .option('--backlog <n>', 'messages in each drained backlog', (v) => Number(v), 10_000)
  .option('--keys <n>', 'ordering keys in the ordered backlog (bench-fraud: 1,200 shoppers, 2 backlogs)', (v) => Number(v), 2400)
  .parse()
  .opts<{ rate: number; messages: number; backlog: number; keys: number }>();

const percentile = (sorted: readonly number[], p: number): number => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 10) / 10;

async function main(): Promise<void> {
  const emulator = await startPubSubEmulator({ projectId: 'probe' });
  const admin = createPubSubClient({ projectId: 'probe', emulatorHost: emulator.host });
  const result: Record<string, number | string> = { bench: 'emulator-latency', rate_eps: opts.rate };
  try {
    for (const ordered of [true, false]) {
      const name = ordered ? 'probe-ordered' : 'probe-unordered';
      await admin.createTopic(name);
      await admin.topic(name).createSubscription(`${name}.probe`, { enableMessageOrdering: ordered });
      const client = createPubSubClient({ projectId: 'probe', emulatorHost: emulator.host });
      const sub = client.subscription(`${name}.probe`, { flowControl: { maxMessages: 1000 } });
      const sentAt: number[] = [];
      const latencies: number[] = [];
      sub.on('message', (m: Message) => {
        latencies.push(performance.now() - sentAt[Number(m.attributes['i'])]!);
        m.ack();
      });
      // No batching wait, so what is measured is the emulator, not the publisher's batch timer.
      const topic = client.topic(name, { messageOrdering: ordered, batching: { maxMilliseconds: 0 } });
      const t0 = performance.now();
      for (let i = 0; i < opts.messages; i++) {
        const wait = t0 + (i / opts.rate) * 1000 - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        sentAt[i] = performance.now();
        // 1,200 keys, like bench-fraud's shoppers: a key rarely waits on its previous message.
        void topic.publishMessage({ data: Buffer.from('{}'), attributes: { i: String(i) }, ...(ordered ? { orderingKey: `user-${i % 1200}` } : {}) });
      }
      while (latencies.length < opts.messages) await new Promise((r) => setTimeout(r, 50));
      const counted = latencies.slice(Math.floor(opts.messages / 3)).sort((a, b) => a - b);
      const kind = ordered ? 'ordered' : 'unordered';
      result[`${kind}_p50_ms`] = percentile(counted, 0.5);
      result[`${kind}_p90_ms`] = percentile(counted, 0.9);
      result[`${kind}_p99_ms`] = percentile(counted, 0.99);
      console.log(`${kind}: one hop at ${opts.rate}/s, p50 ${result[`${kind}_p50_ms`]} ms, p90 ${result[`${kind}_p90_ms`]} ms, p99 ${result[`${kind}_p99_ms`]} ms`);
      await sub.close();
      await client.close();
    }
  } finally {
    await admin.close();
    await emulator.stop();
  }
  for (const [ordered, streams] of [[true, 1], [true, 5], [false, 5]] as const) {
    const eps = await drain(ordered, streams);
    const key = `${ordered ? 'ordered' : 'unordered'}_drain_eps_${streams}_stream${streams > 1 ? 's' : ''}`;
    result[key] = eps === null ? 'wedged' : Math.round(eps);
    console.log(`${ordered ? `ordered (${opts.keys} keys)` : 'unordered'}, ${streams} stream${streams > 1 ? 's' : ''}: a consumer that only acks drains ${eps === null ? 'nothing: the emulator stopped answering' : `${Math.round(eps)} messages/s`}`);
  }
  console.log(JSON.stringify(result));
}

/**
 * Publishes a backlog with no subscriber reading, then drains it with a consumer that only acks:
 * messages per second from the first delivery to the last. A fresh emulator each time. Null if
 * the emulator stops answering (publishes or the drain time out).
 */
async function drain(ordered: boolean, streams: number): Promise<number | null> {
  const emulator = await startPubSubEmulator({ projectId: 'probe' });
  const client = createPubSubClient({ projectId: 'probe', emulatorHost: emulator.host });
  try {
    await client.createTopic('backlog');
    await client.topic('backlog').createSubscription('backlog.probe', { enableMessageOrdering: ordered });
    const topic = client.topic('backlog', { messageOrdering: ordered, batching: { maxMilliseconds: ordered ? 0 : 10 } });
    const data = Buffer.alloc(600, 0x61); // about an order-placed event
    await Promise.all(Array.from({ length: opts.backlog }, (_, i) => topic.publishMessage({ data, ...(ordered ? { orderingKey: `user-${i % opts.keys}` } : {}) })));
    const sub = client.subscription('backlog.probe', { flowControl: { maxMessages: 1000 }, streamingOptions: { maxStreams: streams } });
    let first = 0;
    let last = 0;
    let received = 0;
    const done = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 180_000);
      sub.on('message', (m: Message) => {
        m.ack();
        last = performance.now();
        if (received++ === 0) first = last;
        if (received === opts.backlog) {
          clearTimeout(timer);
          resolve(true);
        }
      });
    });
    const drained = await done;
    await sub.close();
    return drained ? (opts.backlog - 1) / ((last - first) / 1000) : null;
  } catch {
    return null;
  } finally {
    await client.close().catch(() => undefined);
    await emulator.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`emulator-latency failed: ${(err as Error)?.stack ?? String(err)}`);
  process.exit(1);
});
