import { randomBytes } from 'node:crypto';
import type { PubSub, Message } from '@google-cloud/pubsub';
import { OrderPlaced, type OrderPlacedEvent } from '@commerce/contracts';
import { planTopology, provision, type TopologyFile } from '@commerce/topology';
import { createPubSubClient } from '@commerce/event-kit';

/** The emulator the integration project's global setup started. */
export function emulatorHost(): string {
  const host = process.env['PUBSUB_EMULATOR_HOST'];
  if (!host) throw new Error('PUBSUB_EMULATOR_HOST is not set: run integration tests through jest (its global setup starts the emulator)');
  return host;
}

/** A project id of its own per test, so tests never see each other's topics. */
export function uniqueProject(name: string): string {
  return `it-${name}-${randomBytes(3).toString('hex')}`;
}

/**
 * A one-topic topology for order-placed with test-friendly settings (the real one waits
 * 10 s between redeliveries). Provisioned with the same planner and provisioner as prod.
 */
export function orderTopology(consumer: string, sub: Partial<TopologyFile['topics'][string]['subscriptions'][string]> = {}): TopologyFile {
  return {
    defaults: {
      topic: { messageRetention: '1d' },
      subscription: {
        ackDeadline: '10s',
        messageRetention: '1d',
        retainAckedMessages: false,
        retryPolicy: { minimumBackoff: '1s', maximumBackoff: '2s' },
        maxDeliveryAttempts: 5,
      },
      deadLetter: { messageRetention: '1d' },
    },
    topics: { 'order-placed': { publishers: ['test'], subscriptions: { [consumer]: sub } } },
  };
}

export async function provisioned(projectId: string, topology: TopologyFile, host = emulatorHost()): Promise<PubSub> {
  const pubsub = createPubSubClient({ projectId, emulatorHost: host });
  await provision(pubsub, planTopology(topology, 'local'));
  return pubsub;
}

export function order(n: number, userId = `u-${n % 7}`): OrderPlacedEvent {
  return { ...OrderPlaced.example, orderId: `o-${n}`, userId };
}

/** Pulls everything that arrives on a subscription within `quietMs` of the last message. */
export async function drain(pubsub: PubSub, subscription: string, opts: { expect?: number; quietMs?: number; timeoutMs?: number } = {}): Promise<Message[]> {
  const got: Message[] = [];
  const sub = pubsub.subscription(subscription);
  const quietMs = opts.quietMs ?? 1500;
  await new Promise<void>((resolve, reject) => {
    let quiet: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(quiet);
      clearTimeout(overall);
      resolve();
    };
    const overall = setTimeout(done, opts.timeoutMs ?? 60_000);
    const arm = (): void => {
      clearTimeout(quiet);
      quiet = setTimeout(done, quietMs);
    };
    sub.on('message', (m: Message) => {
      got.push(m);
      m.ack();
      if (opts.expect !== undefined && got.length >= opts.expect) done();
      else arm();
    });
    sub.on('error', reject);
    arm();
  });
  await sub.close();
  return got;
}

/** Polls until `check` is true or the time is up; returns the final value of `check`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 60_000, everyMs = 100): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return check();
}
