import { createServer, connect, type Server, type Socket } from 'node:net';
import { OrderPlaced } from '@commerce/contracts';
import { startPubSubEmulator, type RunningEmulator } from '@commerce/emulators';
import { eventually, order, orderTopology, provisioned } from '@commerce/testing';
import { pino } from 'pino';
import { createPubSubClient } from '../src/client.js';
import { PublishError } from '../src/errors.js';
import { PubSubEventBus } from '../src/pubsub-bus.js';

/**
 * A TCP relay standing where the clients think the emulator is. A restarted emulator is
 * empty; the relay lets the test provision it before traffic reaches it, so a message
 * accepted between topic and subscription creation cannot be mistaken for a lost one.
 */
class Relay {
  private target: number | undefined;
  private readonly sockets = new Set<Socket>();
  private constructor(private readonly server: Server, readonly port: number) {}
  static async start(): Promise<Relay> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const relay = new Relay(server, (server.address() as { port: number }).port);
    server.on('connection', (client) => relay.accept(client));
    return relay;
  }
  private accept(client: Socket): void {
    if (this.target === undefined) return void client.destroy(); // like a server that is down
    const upstream = connect(this.target, '127.0.0.1');
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
  pointAt(port: number | undefined): void {
    this.target = port;
    if (port === undefined) for (const s of this.sockets) s.destroy();
  }
  async close(): Promise<void> {
    this.pointAt(undefined);
    await new Promise((r) => this.server.close(r));
  }
}

describe('the emulator restarted while a publisher is sending', () => {
  it('every publish is either delivered or reported to the caller: nothing is lost silently', async () => {
    const projectId = 'restart-test';
    const topology = orderTopology('ledger');
    let emulator: RunningEmulator = await startPubSubEmulator({ projectId });
    const relay = await Relay.start();
    const host = `127.0.0.1:${relay.port}`;
    (await provisioned(projectId, topology, emulator.host)).close();
    relay.pointAt(emulator.port);

    const publisher = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: host }), source: 'test', batching: { maxMs: 20 } });
    const consumer = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: host }), source: 'test', logger: pino({ level: 'silent' }) });
    const received = new Set<string>();
    await consumer.subscribe(OrderPlaced, 'order-placed.ledger', async (_e, ctx) => void received.add(ctx.eventId)).ready;

    const outcomes: Array<Promise<{ ok: true; eventId: string } | { ok: false; error: unknown }>> = [];
    let n = 0;
    const send = (): void => {
      const i = n++;
      outcomes.push(publisher.publish(OrderPlaced, order(i, `u-${i % 13}`)).then((r) => ({ ok: true as const, eventId: r.eventId }), (error: unknown) => ({ ok: false as const, error })));
    };

    // Before: a steady stream, all delivered.
    for (let i = 0; i < 200; i++) send();
    const before = await Promise.all(outcomes);
    expect(await eventually(() => received.size === 200, 30_000)).toBe(true);

    // Kill the emulator with publishes queued in the client, and keep sending while it is down.
    for (let i = 0; i < 50; i++) send();
    process.kill(-emulator.pid, 'SIGKILL');
    relay.pointAt(undefined);
    await emulator.stop();
    const sender = setInterval(send, 20);
    await new Promise((r) => setTimeout(r, 1500));

    // A new emulator process, provisioned, then reachable again.
    emulator = await startPubSubEmulator({ projectId });
    (await provisioned(projectId, topology, emulator.host)).close();
    relay.pointAt(emulator.port);
    await new Promise((r) => setTimeout(r, 1500));
    clearInterval(sender);
    for (let i = 0; i < 50; i++) send();

    const all = await Promise.all(outcomes);
    const resolved = all.filter((o): o is { ok: true; eventId: string } => o.ok);
    const rejected = all.filter((o): o is { ok: false; error: unknown } => !o.ok);
    expect(await eventually(() => resolved.every((o) => received.has(o.eventId)), 60_000)).toBe(true);

    expect(before.every((o) => o.ok)).toBe(true);
    expect(resolved.length + rejected.length).toBe(n); // every publish settled one way or the other
    for (const r of rejected) {
      expect(r.error).toBeInstanceOf(PublishError); // reported, with the event id and gRPC code
      expect((r.error as PublishError).eventId).toBeTruthy();
    }
    const afterKill = resolved.length - 200;
    expect(afterKill).toBeGreaterThan(0); // the client's retries got through once the emulator was back
    process.stdout.write(`emulator restart: ${n} published, ${resolved.length} delivered (${afterKill} of them sent around the restart), ${rejected.length} reported as failed, 0 lost\n`);

    await publisher.close();
    await consumer.close();
    await relay.close();
    await emulator.stop();
  });
});
