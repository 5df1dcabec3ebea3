import { Duration, SubscriptionCloseBehaviors, type Message, type PubSub, type Subscription, type Topic } from '@google-cloud/pubsub';
import type { AnyEventContract, EventOf } from '@commerce/contracts';
import { pino, type Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { EventBus, Handler, PublishOptions, PublishReceipt, SubscribeOptions, SubscriptionHandle, SubscriptionHealth } from './bus.js';
import { Defaults } from './defaults.js';
import { Dispatcher, type Delivery, type Outcome } from './dispatcher.js';
import { DeadLetterAttributes, encodeEvent } from './envelope.js';
import { PublishError, SubscriptionSetupError } from './errors.js';
import { TopicCounts, eventKitMetrics, type EventKitMetrics, type LatencySeries } from './metrics.js';
import { MemoryProcessedIds, type ProcessedIdsStore } from './processed-ids.js';

export interface PubSubEventBusOptions {
  /** The process's one Pub/Sub client (see createPubSubClient). The bus closes it on close(). */
  readonly pubsub: PubSub;
  /** This service's name: `ce-source` of what it publishes, and a log field. */
  readonly source: string;
  readonly logger?: Logger;
  readonly metricsRegistry?: Registry;
  readonly processedIds?: ProcessedIdsStore;
  readonly batching?: {
    readonly maxMessages?: number;
    readonly maxBytes?: number;
    readonly maxMs?: number;
    /** The wait on topics published with ordering keys (default Defaults.orderedBatchMaxMs). */
    readonly orderedMaxMs?: number;
  };
  readonly maxInFlight?: number;
  readonly maxInFlightBytes?: number;
  /** Streaming-pull streams per subscription (default Defaults.subscriberStreams). */
  readonly streams?: number;
  readonly shutdownTimeoutMs?: number;
  readonly stallTimeoutMs?: number;
  readonly watchdogIntervalMs?: number;
}

const GRPC_NOT_FOUND = 5;
const NO_OPTIONS: PublishOptions = Object.freeze({});
/** Time the library gets to send the final nacks when a subscriber closes. */
const FINAL_NACK_MS = 5_000;
/** How long before the shutdown deadline handlers are told to stop (their ctx.signal aborts). */
const ABORT_BEFORE_DEADLINE_MS = 1_000;

export class PubSubEventBus implements EventBus {
  private readonly topics = new Map<string, Topic>();
  private readonly subscriptions = new Set<PubSubSubscriptionHandle>();
  /** Publishes sent and not yet answered by the broker; close() waits for them. */
  private outstanding = 0;
  private drained: (() => void) | undefined;
  private readonly publishMetrics = new Map<string, { counts: TopicCounts; seconds: LatencySeries }>();
  readonly metrics: EventKitMetrics;
  readonly logger: Logger;
  readonly processedIds: ProcessedIdsStore;
  private closed = false;

  constructor(readonly options: PubSubEventBusOptions) {
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.metrics = eventKitMetrics(options.metricsRegistry);
    this.processedIds = options.processedIds ?? new MemoryProcessedIds();
  }

  get pubsub(): PubSub {
    return this.options.pubsub;
  }

  /** One Topic object per topic per process: it owns the batching queue and ordering state. */
  topic(name: string, ordered: boolean): Topic {
    let t = this.topics.get(name);
    if (t === undefined) {
      const b = this.options.batching ?? {};
      t = this.options.pubsub.topic(name, {
        batching: {
          maxMessages: b.maxMessages ?? Defaults.batchMaxMessages,
          maxBytes: b.maxBytes ?? Defaults.batchMaxBytes,
          maxMilliseconds: ordered ? (b.orderedMaxMs ?? Defaults.orderedBatchMaxMs) : (b.maxMs ?? Defaults.batchMaxMs),
        },
        messageOrdering: ordered,
      });
      this.topics.set(name, t);
    }
    return t;
  }

  publish<C extends AnyEventContract>(contract: C, event: EventOf<C>, options: PublishOptions = NO_OPTIONS): Promise<PublishReceipt> {
    // Not an async function (one promise less per event), so every throw is turned into the rejection here.
    try {
      if (this.closed) throw new Error(`cannot publish ${contract.type}: the event bus of ${this.options.source} is closed`);
      contract.assertPublishable(event); // throws naming the event, field and rule; nothing is sent
      const encoded = encodeEvent(contract, event, {
        source: this.options.source,
        parentTrace: options.parent?.trace,
        eventId: options.eventId,
      });
      return this.send(contract.topic, contract.orderingKey !== undefined, encoded.data, encoded.attributes, encoded.orderingKey, encoded.eventId);
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  /**
   * Sends bytes as they are, for tools that move existing messages (dead-letter redrive,
   * replay). Reports failure to the caller like publish does.
   */
  async publishRaw(topic: string, data: Buffer, attributes: Record<string, string>, orderingKey?: string): Promise<PublishReceipt> {
    return this.send(topic, orderingKey !== undefined, data, attributes, orderingKey, attributes['ce-id'] ?? '(raw)');
  }

  private topicMetrics(topic: string): { counts: TopicCounts; seconds: LatencySeries } {
    let m = this.publishMetrics.get(topic);
    if (m === undefined) {
      m = { counts: new TopicCounts(topic), seconds: this.metrics.publishSeconds.labels({ topic }) };
      this.metrics.topics.add(m.counts);
      this.publishMetrics.set(topic, m);
    }
    return m;
  }

  /**
   * One promise per event, no async frame, and the library's callback form of publishMessage:
   * its promise form wraps the callback form in a promise, two closures and three arrays, and a
   * `.then` on that added another promise and two closures, all of it kept alive until the
   * broker answers, through every young-generation collection in between.
   */
  private send(topicName: string, ordered: boolean, data: Buffer, attributes: Record<string, string>, orderingKey: string | undefined, eventId: string): Promise<PublishReceipt> {
    const topic = this.topic(topicName, ordered);
    const m = this.topicMetrics(topicName);
    const started = performance.now();
    this.outstanding++;
    return new Promise<PublishReceipt>((resolve, reject) => {
      const sent = (err: unknown, messageId?: string | null): void => {
        this.settledOne();
        if (err) {
          const code = (err as { code?: number }).code;
          this.metrics.publishFailures.inc({ topic: topicName, code: String(code ?? 'unknown') });
          // A failed publish pauses its ordering key; later events for the key would fail
          // forever. The caller hears about this one, and the key is resumed for the next.
          if (orderingKey) topic.resumePublishing(orderingKey);
          reject(new PublishError(topicName, eventId, orderingKey, code, err));
          return;
        }
        m.seconds.observe((performance.now() - started) / 1000);
        m.counts.published++;
        // Not `...(orderingKey ? { orderingKey } : {})`: a spread in a literal is V8's slow path.
        resolve(orderingKey ? { topic: topicName, eventId, messageId: messageId ?? '', orderingKey } : { topic: topicName, eventId, messageId: messageId ?? '' });
      };
      try {
        topic.publishMessage(orderingKey ? { data, attributes, orderingKey } : { data, attributes }, sent);
      } catch (err) {
        sent(err); // e.g. an attribute the library refuses: reported like a failed send
      }
    });
  }

  private settledOne(): void {
    if (--this.outstanding === 0) this.drained?.();
  }

  subscribe<C extends AnyEventContract>(contract: C, subscription: string, handler: Handler<EventOf<C>>, options: SubscribeOptions = {}): SubscriptionHandle {
    if (this.closed) throw new Error(`cannot subscribe to ${subscription}: the event bus is closed`);
    const handle = new PubSubSubscriptionHandle(this, contract, subscription, handler as Handler<never>, options);
    this.subscriptions.add(handle);
    return handle;
  }

  health(): { ready: boolean; subscriptions: SubscriptionHealth[] } {
    const subscriptions = [...this.subscriptions].map((s) => s.health());
    return { ready: !this.closed && subscriptions.every((s) => s.open), subscriptions };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Phase 1: stop taking work; in-flight handlers finish (and may still publish).
    await Promise.allSettled([...this.subscriptions].map((s) => s.close()));
    // Phase 2: flush what is batched, wait for outstanding publishes, close the client.
    await Promise.allSettled([...this.topics.values()].map((t) => t.flush()));
    if (this.outstanding > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    await this.options.processedIds?.close?.();
    await this.options.pubsub.close();
  }
}

/** A library message as the dispatcher sees it: read through, not copied. */
class PubSubDelivery implements Delivery {
  constructor(
    readonly message: Message,
    readonly after: (result: 'acked' | 'nacked') => void,
    readonly releaseOrderingKey: (() => void) | undefined,
  ) {}
  get data(): Buffer {
    return this.message.data;
  }
  get attributes(): Readonly<Record<string, string>> {
    return this.message.attributes;
  }
  get messageId(): string {
    return this.message.id;
  }
  get publishTime(): Date {
    return this.message.publishTime;
  }
  get orderingKey(): string | undefined {
    return this.message.orderingKey || undefined;
  }
  /** 0 when the subscription has no dead-letter policy (the broker does not count then). */
  get deliveryAttempt(): number {
    return this.message.deliveryAttempt || 1;
  }
}

class PubSubSubscriptionHandle implements SubscriptionHandle {
  readonly ready: Promise<void>;
  private sub: Subscription | undefined;
  private dispatcher: Dispatcher | undefined;
  private readonly abort = new AbortController();
  private closing = false;
  private open = false;
  private lastError: string | undefined;
  private openedAt = Date.now();
  private watchdog: NodeJS.Timeout | undefined;
  private deadLetterTopic: string | undefined;
  private readonly log: Logger;
  /** Messages between delivery and ack/nack; close() waits for it to reach zero. */
  private working = 0;
  private idle: (() => void) | undefined;
  private readonly workDone = (): void => {
    if (--this.working === 0) this.idle?.();
  };
  private consecutiveErrors = 0;
  /** Ordered subscriptions: per ordering key, the chain of its messages still to finish. */
  private readonly lanes = new Map<string, { tail: Promise<void>; queued: number; blocked: boolean }>();

  constructor(
    private readonly bus: PubSubEventBus,
    private readonly contract: AnyEventContract,
    readonly subscription: string,
    private readonly handler: Handler<never>,
    private readonly options: SubscribeOptions,
  ) {
    this.log = bus.logger.child({ subscription });
    this.ready = this.start();
    this.ready.catch((err: unknown) => {
      this.lastError = (err as Error).message;
    });
  }

  private async start(): Promise<void> {
    const { pubsub } = this.bus;
    const sub = pubsub.subscription(this.subscription, {
      flowControl: {
        maxMessages: this.options.maxInFlight ?? this.bus.options.maxInFlight ?? Defaults.maxInFlightMessages,
        maxBytes: this.bus.options.maxInFlightBytes ?? Defaults.maxInFlightBytes,
        allowExcessMessages: false,
      },
      streamingOptions: { maxStreams: this.options.streams ?? this.bus.options.streams ?? Defaults.subscriberStreams },
      // close() below waits for our own handlers first; by the time the library closes,
      // whatever it still holds was never started and goes straight back to the broker.
      closeOptions: { behavior: SubscriptionCloseBehaviors.NackImmediately, timeout: Duration.from({ milliseconds: FINAL_NACK_MS }) },
    });
    let metadata;
    try {
      [metadata] = await sub.getMetadata();
    } catch (err) {
      const projectId = (await pubsub.getClientConfig()).projectId;
      if ((err as { code?: number }).code === GRPC_NOT_FOUND) {
        throw new SubscriptionSetupError(
          `subscription ${this.subscription} does not exist in project ${projectId}; services never create it: ` +
            'provision the topology first (`make provision`, or `npm run provision` against your project)',
        );
      }
      throw new SubscriptionSetupError(`cannot read subscription ${this.subscription} in project ${projectId}: ${(err as Error).message}`, { cause: err });
    }
    const topic = metadata.topic?.split('/').pop();
    if (topic !== this.contract.topic) {
      throw new SubscriptionSetupError(`subscription ${this.subscription} is attached to topic ${topic}, but the handler expects ${this.contract.type} on ${this.contract.topic}`);
    }
    this.deadLetterTopic = metadata.deadLetterPolicy?.deadLetterTopic?.split('/').pop() || undefined;
    if (this.deadLetterTopic === undefined) this.log.warn('subscription has no dead-letter policy: permanent failures will be retried until retention expires');
    const projectId = (await pubsub.getClientConfig()).projectId;
    this.dispatcher = new Dispatcher({
      contract: this.contract,
      subscription: this.subscription,
      handler: this.handler,
      processedIds: this.options.processedIds ?? this.bus.processedIds,
      metrics: this.bus.metrics,
      logger: this.log,
      maxDeliveryAttempts: metadata.deadLetterPolicy?.maxDeliveryAttempts ?? Defaults.maxDeliveryAttempts,
      signal: this.abort.signal,
      traceResource: (traceId) => `projects/${projectId}/traces/${traceId}`,
    });
    if (this.closing) return;
    this.sub = sub;
    sub.on('message', (m: Message) => this.onMessage(m));
    sub.on('error', (err: Error) => this.onError(err));
    sub.on('close', () => {
      this.open = false;
    });
    if (!sub.isOpen) sub.open();
    this.open = true;
    this.openedAt = Date.now();
    this.startWatchdog();
    this.log.info({ topic, deadLetterTopic: this.deadLetterTopic, ordered: metadata.enableMessageOrdering ?? false }, 'subscription open');
  }

  private onMessage(m: Message): void {
    this.consecutiveErrors = 0;
    if (this.closing) {
      // Delivered after shutdown began: not ours to start. Redelivered elsewhere.
      m.nack();
      this.dispatcher?.settled('nacked', 'SHUTTING_DOWN');
      return;
    }
    this.working++;
    const key = m.orderingKey;
    if (!key) {
      this.handle(m, this.workDone);
      return;
    }
    // Ordered subscription: the broker may hand over several messages of one key at once, so the
    // key's handlers run one after another, in delivery order. After a nack the broker redelivers
    // that message and everything after it in the key, so what is queued behind it here is nacked
    // unstarted rather than allowed to overtake it.
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = { tail: Promise.resolve(), queued: 0, blocked: false }));
    const l = lane;
    l.queued += 1;
    const finish = (): void => {
      if (--l.queued === 0 && this.lanes.get(key) === l) this.lanes.delete(key); // the next delivery starts a fresh lane
      this.workDone();
    };
    l.tail = l.tail.then(
      () =>
        new Promise<void>((next) => {
          if (l.blocked || this.closing) {
            m.nack();
            this.dispatcher?.settled('nacked', this.closing ? 'SHUTTING_DOWN' : 'ORDERING_KEY_BLOCKED');
            next();
            finish();
            return;
          }
          let released = false;
          const release = (): void => {
            if (released) return;
            released = true;
            next();
          };
          this.handle(
            m,
            (result) => {
              if (result === 'nacked') l.blocked = true;
              release();
              finish();
            },
            release,
          );
        }),
    );
  }

  /** Runs the pipeline on one message, does what its outcome says, then calls `after`. */
  private handle(m: Message, after: (result: 'acked' | 'nacked') => void, releaseOrderingKey?: () => void): void {
    this.dispatcher!.dispatch(new PubSubDelivery(m, after, releaseOrderingKey), this.onOutcome);
  }

  /** One callback for every message: what it needs travels on the delivery. */
  private readonly onOutcome = (outcome: Outcome, d: PubSubDelivery): void => this.settleThen(d.message, outcome, d.after);

  private settleThen(m: Message, outcome: Outcome, after: (result: 'acked' | 'nacked') => void): void {
    const result = this.settle(m, outcome);
    if (typeof result === 'string') after(result);
    else void result.then(after);
  }

  /** Acks, nacks or dead-letters the message as the outcome says; dead-lettering takes a publish. */
  private settle(m: Message, outcome: Outcome): 'acked' | 'nacked' | Promise<'acked' | 'nacked'> {
    const d = this.dispatcher!;
    switch (outcome.kind) {
      case 'ack':
      case 'duplicate':
        m.ack();
        d.settled(outcome.kind === 'ack' ? 'acked' : 'duplicate');
        return 'acked';
      case 'nack':
        m.nack();
        d.settled('nacked', outcome.code);
        return 'nacked';
      case 'dead-letter':
        return this.deadLetter(m, outcome);
    }
  }

  private async deadLetter(m: Message, o: Extract<Outcome, { kind: 'dead-letter' }>): Promise<'acked' | 'nacked'> {
    if (this.deadLetterTopic === undefined) {
      m.nack();
      return 'nacked';
    }
    try {
      await this.bus.publishRaw(this.deadLetterTopic, m.data, {
        ...m.attributes,
        [DeadLetterAttributes.Reason]: o.reason,
        [DeadLetterAttributes.Code]: o.code,
        [DeadLetterAttributes.Retryable]: String(o.retryable),
        [DeadLetterAttributes.OriginalMessageId]: m.id,
        [DeadLetterAttributes.DeliveryAttempt]: String(m.deliveryAttempt || 1),
        [DeadLetterAttributes.Subscription]: this.subscription,
        [DeadLetterAttributes.SourceTopic]: this.contract.topic,
        [DeadLetterAttributes.DeadLetteredAt]: new Date().toISOString(),
        ...(m.orderingKey ? { [DeadLetterAttributes.OrderingKey]: m.orderingKey } : {}),
      });
      m.ack(); // only once the dead letter is safely on its topic
      this.dispatcher!.settled('dead-lettered', o.code);
      return 'acked';
    } catch (err) {
      this.log.error({ err, messageId: m.id }, 'could not publish to the dead-letter topic; nacking so nothing is lost');
      m.nack();
      this.dispatcher!.settled('nacked', 'DEAD_LETTER_PUBLISH_FAILED');
      return 'nacked';
    }
  }

  private onError(err: Error): void {
    this.lastError = `${(err as { code?: number }).code ?? ''} ${err.message}`.trim();
    this.consecutiveErrors++;
    // Log the first failures and then every tenth, so a broken stream cannot flood the logs.
    if (this.consecutiveErrors <= 3 || this.consecutiveErrors % 10 === 0) {
      this.log.error({ err, consecutiveErrors: this.consecutiveErrors }, 'streaming pull failed; reopening with backoff');
    }
    this.reopen('error');
  }

  private reopen(reason: 'error' | 'stalled'): void {
    const sub = this.sub;
    if (sub === undefined || this.closing) return;
    this.bus.metrics.streamRestarts.inc({ subscription: this.subscription, reason });
    this.open = false;
    void sub
      .close()
      .catch(() => undefined)
      .then(() => new Promise((r) => setTimeout(r, reason === 'error' ? this.reopenDelayMs() : 0)))
      .then(() => {
        if (this.closing) return;
        sub.open();
        this.open = true;
        this.openedAt = Date.now();
      });
  }

  /** Exponential backoff from reopenDelayMs, capped at 30 s. */
  private reopenDelayMs(): number {
    return Math.min(Defaults.reopenDelayMs * 2 ** Math.max(0, this.consecutiveErrors - 1), 30_000);
  }

  private startWatchdog(): void {
    const stallMs = this.bus.options.stallTimeoutMs ?? Defaults.stallTimeoutMs;
    const everyMs = Math.min(this.bus.options.watchdogIntervalMs ?? Defaults.watchdogIntervalMs, stallMs);
    this.watchdog = setInterval(() => {
      const d = this.dispatcher!;
      const lastActivity = Math.max(this.openedAt, d.lastMessageAtMs);
      // Idle means no delivery in flight at all, not just no handler running: closing the
      // stream nacks every message the library still holds, including one waiting on the
      // processed-ids store or on its dead-letter publish, which would then run twice.
      if (this.open && this.working === 0 && Date.now() - lastActivity > stallMs) {
        this.log.info({ idleMs: Date.now() - lastActivity }, 'no messages for a while; reopening the streaming pull in case it stalled');
        this.reopen('stalled');
      }
    }, everyMs);
    this.watchdog.unref();
  }

  health(): SubscriptionHealth {
    const last = this.dispatcher?.lastMessageAt;
    return {
      subscription: this.subscription,
      topic: this.contract.topic,
      open: this.open,
      inFlight: this.dispatcher?.inFlight ?? 0,
      ...(last ? { lastMessageAt: last.toISOString() } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /**
   * Graceful close, in this order: stop starting handlers (messages the library dispatches
   * from now on are nacked at once), let running handlers finish until shortly before the
   * deadline, abort the stragglers, then close the stream, which nacks anything still held.
   *
   * Not the library's WaitForProcessing: it waits for messages it holds back for flow
   * control, which it never dispatches once closing, so every shutdown ran to its timeout.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.watchdog) clearInterval(this.watchdog);
    await this.ready.catch(() => undefined);
    const timeoutMs = this.bus.options.shutdownTimeoutMs ?? Defaults.shutdownTimeoutMs;
    const finished = (): Promise<void> =>
      this.working === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            this.idle = resolve;
          });
    const within = (ms: number): Promise<boolean> =>
      Promise.race([finished().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), Math.max(0, ms)).unref())]);
    if (this.working > 0) this.log.info({ inFlight: this.working, timeoutMs }, 'waiting for in-flight handlers');
    if (!(await within(timeoutMs - ABORT_BEFORE_DEADLINE_MS))) {
      this.log.warn({ inFlight: this.working }, 'handlers still running at the shutdown deadline: aborting them; their messages will be redelivered');
      this.abort.abort(new Error('shutting down'));
      await within(ABORT_BEFORE_DEADLINE_MS);
    }
    try {
      await this.sub?.close();
    } finally {
      this.open = false;
    }
    this.dispatcher?.detach();
    this.log.info('subscription closed');
  }

}
