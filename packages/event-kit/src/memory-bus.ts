import type { AnyEventContract, EventOf } from '@commerce/contracts';
import { pino, type Logger } from 'pino';
import type { EventBus, Handler, PublishOptions, PublishReceipt, SubscribeOptions, SubscriptionHandle, SubscriptionHealth } from './bus.js';
import { Defaults } from './defaults.js';
import { Dispatcher, type Delivery, type Outcome } from './dispatcher.js';
import { DeadLetterAttributes, encodeEvent } from './envelope.js';
import { SubscriptionSetupError } from './errors.js';
import { eventKitMetrics, type EventKitMetrics } from './metrics.js';
import { MemoryProcessedIds, type ProcessedIdsStore } from './processed-ids.js';

/** A message as the in-memory broker keeps it. */
export interface MemoryMessage {
  readonly topic: string;
  readonly messageId: string;
  readonly data: Buffer;
  readonly attributes: Record<string, string>;
  readonly orderingKey: string | undefined;
  readonly publishTime: Date;
}

export interface InMemoryEventBusOptions {
  readonly source?: string;
  readonly logger?: Logger;
  readonly processedIds?: ProcessedIdsStore;
  /** Attempts before a retryable failure is dead-lettered (Pub/Sub: the subscription's policy). */
  readonly maxDeliveryAttempts?: number;
}

interface Sub {
  readonly contract: AnyEventContract;
  readonly dispatcher: Dispatcher;
  readonly queue: Array<{ message: MemoryMessage; attempt: number }>;
  running: boolean;
  closed: boolean;
}

/**
 * The same interface and delivery pipeline as the Pub/Sub bus, in memory, for fast unit
 * tests of handlers. Deliveries to a subscription are sequential, in publish order,
 * retried immediately up to `maxDeliveryAttempts`, then dead-lettered. Never use it in an
 * integration test: those run against the emulator.
 */
export class InMemoryEventBus implements EventBus {
  private readonly subs = new Map<string, Sub>();
  private readonly messages: MemoryMessage[] = [];
  private readonly dead = new Map<string, MemoryMessage[]>();
  private readonly idle = new Set<() => void>();
  private nextId = 1;
  readonly metrics: EventKitMetrics = eventKitMetrics();
  private readonly logger: Logger;
  private readonly processedIds: ProcessedIdsStore;
  private readonly abort = new AbortController();

  constructor(private readonly options: InMemoryEventBusOptions = {}) {
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.processedIds = options.processedIds ?? new MemoryProcessedIds();
  }

  async publish<C extends AnyEventContract>(contract: C, event: EventOf<C>, options: PublishOptions = {}): Promise<PublishReceipt> {
    contract.assertPublishable(event);
    const e = encodeEvent(contract, event, {
      source: this.options.source ?? 'test',
      ...(options.parent?.trace ? { parentTrace: options.parent.trace } : {}),
      ...(options.eventId ? { eventId: options.eventId } : {}),
    });
    const messageId = this.deliver(contract.topic, e.data, e.attributes, e.orderingKey);
    return { topic: contract.topic, eventId: e.eventId, messageId, ...(e.orderingKey ? { orderingKey: e.orderingKey } : {}) };
  }

  /** Publishes bytes as they are: what an external publisher that skips validation would send. */
  async publishRaw(topic: string, data: Buffer, attributes: Record<string, string>, orderingKey?: string): Promise<PublishReceipt> {
    const messageId = this.deliver(topic, data, attributes, orderingKey);
    return { topic, eventId: attributes['ce-id'] ?? '(raw)', messageId, ...(orderingKey ? { orderingKey } : {}) };
  }

  private deliver(topic: string, data: Buffer, attributes: Record<string, string>, orderingKey: string | undefined): string {
    const message: MemoryMessage = { topic, messageId: String(this.nextId++), data, attributes, orderingKey, publishTime: new Date() };
    this.messages.push(message);
    for (const [name, sub] of this.subs) {
      if (sub.contract.topic !== topic || sub.closed) continue;
      sub.queue.push({ message, attempt: 1 });
      this.pump(name, sub);
    }
    return message.messageId;
  }

  subscribe<C extends AnyEventContract>(contract: C, subscription: string, handler: Handler<EventOf<C>>, options: SubscribeOptions = {}): SubscriptionHandle {
    if (!subscription.startsWith(`${contract.topic}.`)) {
      throw new SubscriptionSetupError(`subscription ${subscription} is not on topic ${contract.topic} (subscriptions are named <topic>.<consumer>)`);
    }
    const sub: Sub = {
      contract,
      queue: [],
      running: false,
      closed: false,
      dispatcher: new Dispatcher({
        contract,
        subscription,
        handler: handler as Handler<never>,
        processedIds: options.processedIds ?? this.processedIds,
        metrics: this.metrics,
        logger: this.logger.child({ subscription }),
        maxDeliveryAttempts: this.options.maxDeliveryAttempts ?? Defaults.maxDeliveryAttempts,
        signal: this.abort.signal,
      }),
    };
    this.subs.set(subscription, sub);
    const health = (): SubscriptionHealth => ({ subscription, topic: contract.topic, open: !sub.closed, inFlight: sub.dispatcher.inFlight });
    return {
      subscription,
      ready: Promise.resolve(),
      health,
      close: async () => {
        sub.closed = true;
        await this.drain();
      },
    };
  }

  private pump(name: string, sub: Sub): void {
    if (sub.running) return;
    sub.running = true;
    void (async () => {
      while (sub.queue.length > 0) {
        const { message, attempt } = sub.queue.shift()!;
        const delivery: Delivery = { ...message, deliveryAttempt: attempt };
        const outcome = await new Promise<Outcome>((resolve) => sub.dispatcher.dispatch(delivery, resolve));
        if (outcome.kind === 'ack') sub.dispatcher.settled('acked');
        if (outcome.kind === 'duplicate') sub.dispatcher.settled('duplicate');
        if (outcome.kind === 'nack') {
          sub.dispatcher.settled('nacked', outcome.code);
          sub.queue.unshift({ message, attempt: attempt + 1 });
        }
        if (outcome.kind === 'dead-letter') {
          const list = this.dead.get(name) ?? [];
          list.push({
            ...message,
            attributes: {
              ...message.attributes,
              [DeadLetterAttributes.Reason]: outcome.reason,
              [DeadLetterAttributes.Code]: outcome.code,
              [DeadLetterAttributes.Retryable]: String(outcome.retryable),
              [DeadLetterAttributes.OriginalMessageId]: message.messageId,
              [DeadLetterAttributes.DeliveryAttempt]: String(attempt),
              [DeadLetterAttributes.Subscription]: name,
              [DeadLetterAttributes.SourceTopic]: message.topic,
            },
          });
          this.dead.set(name, list);
          sub.dispatcher.settled('dead-lettered', outcome.code);
        }
      }
      sub.running = false;
      if ([...this.subs.values()].every((s) => !s.running)) for (const resolve of this.idle) resolve();
    })();
  }

  /** Resolves when every delivered message has been handled, retried or dead-lettered. */
  async drain(): Promise<void> {
    while ([...this.subs.values()].some((s) => s.running || s.queue.length > 0)) {
      await new Promise<void>((resolve) => {
        this.idle.add(resolve);
        setImmediate(resolve);
      });
      this.idle.clear();
    }
  }

  /** Everything published to a topic, decoded, for assertions. */
  published<C extends AnyEventContract>(contract: C): Array<{ event: EventOf<C>; attributes: Record<string, string> }> {
    return this.messages
      .filter((m) => m.topic === contract.topic)
      .map((m) => ({ event: JSON.parse(m.data.toString('utf8')) as EventOf<C>, attributes: m.attributes }));
  }

  /** Messages the subscription dead-lettered, with the kit's dlq-* attributes. */
  deadLetters(subscription: string): readonly MemoryMessage[] {
    return this.dead.get(subscription) ?? [];
  }

  health(): { ready: boolean; subscriptions: SubscriptionHealth[] } {
    const subscriptions = [...this.subs.entries()].map(([subscription, s]) => ({ subscription, topic: s.contract.topic, open: !s.closed, inFlight: s.dispatcher.inFlight }));
    return { ready: true, subscriptions };
  }

  async close(): Promise<void> {
    for (const s of this.subs.values()) s.closed = true;
    await this.drain();
    this.abort.abort();
  }
}
