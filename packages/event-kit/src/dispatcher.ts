import { UndecodableMessageError, type AnyEventContract } from '@commerce/contracts';
import type { Logger } from 'pino';
import type { EventContext, Handler } from './bus.js';
import { Defaults } from './defaults.js';
import { Attributes, identify } from './envelope.js';
import { errorCode, isPermanent } from './errors.js';
import { SubscriptionCounts, type EventKitMetrics, type LatencySeries } from './metrics.js';
import type { ProcessedIdsStore } from './processed-ids.js';
import { parseTraceparent, type TraceContext } from './trace.js';

/** A message as delivered, independent of the transport. */
export interface Delivery {
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
  readonly messageId: string;
  readonly publishTime: Date;
  readonly orderingKey: string | undefined;
  readonly deliveryAttempt: number;
  /** Ordered transports: lets the next message of the key start (see EventContext.releaseOrderingKey). */
  readonly releaseOrderingKey?: (() => void) | undefined;
}

/** What the transport must do with the message. */
export type Outcome =
  | { readonly kind: 'ack' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'nack'; readonly code: string; readonly error: unknown }
  | { readonly kind: 'dead-letter'; readonly code: string; readonly reason: string; readonly retryable: boolean; readonly error: unknown };

export interface DispatcherOptions {
  readonly contract: AnyEventContract;
  readonly subscription: string;
  readonly handler: Handler<never>;
  readonly processedIds: ProcessedIdsStore;
  readonly metrics: EventKitMetrics;
  readonly logger: Logger;
  /** Attempts after which a retryable failure is dead-lettered by the kit with its reason. */
  readonly maxDeliveryAttempts: number;
  readonly signal: AbortSignal;
  /** Formats the Cloud Logging trace field; without it the bare trace id is logged. */
  readonly traceResource?: (traceId: string) => string;
}

/**
 * The delivery pipeline both buses share: decode, check the envelope and the contract,
 * skip duplicates, run the handler, and classify the result. It never acks itself: it
 * returns what the transport must do, and the transport acks only after doing it.
 */
export class Dispatcher {
  private readonly inProgress = new Set<string>();
  private readonly labels: { subscription: string };
  // Labelled children looked up once: a label lookup per message costs more than the count.
  private readonly m: { handlerOk: LatencySeries; handlerError: LatencySeries };
  /** Received, acked, duplicates and in flight: read by Prometheus at scrape time. */
  readonly counts: SubscriptionCounts;
  lastMessageAtMs = 0;

  get inFlight(): number {
    return this.counts.inFlight;
  }

  get lastMessageAt(): Date | undefined {
    return this.lastMessageAtMs === 0 ? undefined : new Date(this.lastMessageAtMs);
  }

  constructor(private readonly o: DispatcherOptions) {
    this.labels = { subscription: o.subscription };
    const m = o.metrics;
    this.m = {
      handlerOk: m.handlerSeconds.labels({ ...this.labels, outcome: 'ok' }),
      handlerError: m.handlerSeconds.labels({ ...this.labels, outcome: 'error' }),
    };
    this.counts = new SubscriptionCounts(o.subscription);
    m.subscriptions.add(this.counts);
  }

  /** Hands counts not yet scraped to the Prometheus counters and stops tracking this subscription. */
  detach(): void {
    const { metrics } = this.o;
    const c = this.counts;
    for (const [counter, key] of [[metrics.received, 'received'], [metrics.acked, 'acked'], [metrics.duplicates, 'duplicates']] as const) {
      const delta = c[key] - c.reported[key];
      if (delta > 0) counter.inc(this.labels, delta);
      c.reported[key] = c[key];
    }
    metrics.subscriptions.delete(c);
  }

  /**
   * Runs the pipeline on one delivery and calls `done(outcome, d)` exactly once: at once when the
   * outcome is known at once (a duplicate, an invalid message, a synchronous handler), otherwise
   * when the handler's promise settles. Never throws; a failure of the pipeline itself (the
   * processed-ids store cannot be asked) is a nack with code PIPELINE_ERROR.
   *
   * A callback, not a returned promise, and no async frame: at thousands of messages a second
   * each promise, closure and microtask between the handler and the ack is measurable, and an
   * in-flight message's garbage is copied by every young-generation collection it lives through.
   * The delivery is handed back so a transport can keep what it needs on it (its own message)
   * and pass one callback for all of them.
   */
  dispatch<D extends Delivery>(d: D, done: (outcome: Outcome, d: D) => void): void {
    const { contract, processedIds } = this.o;
    this.counts.received++;
    this.lastMessageAtMs = Date.now();
    let eventId: string | undefined;
    let event: unknown;
    try {
      eventId = identify(contract, d.attributes);
      try {
        event = JSON.parse(d.data.toString('utf8'));
      } catch (err) {
        throw new UndecodableMessageError(contract.topic, err);
      }
      event = contract.parse(event);
    } catch (err) {
      done(this.failed(err, d.messageId, d.deliveryAttempt, eventId), d);
      return;
    }
    let seen: boolean | Promise<boolean>;
    try {
      seen = processedIds.has(eventId);
    } catch (err) {
      done(this.pipelineFailed(err, d, eventId), d);
      return;
    }
    if (seen === false) this.run(d, eventId, event, done);
    else if (seen === true) done(this.duplicate(), d);
    else {
      const id = eventId;
      // Promise.resolve: a store may hand back any thenable; a native promise passes through as is.
      Promise.resolve(seen).then(
        (s) => (s ? done(this.duplicate(), d) : this.run(d, id, event, done)),
        (err: unknown) => done(this.pipelineFailed(err, d, id), d),
      );
    }
  }

  private duplicate(): Outcome {
    this.counts.duplicates++;
    return DUPLICATE;
  }

  /**
   * The processed-ids store could not be asked: retry later, without running the handler; on the
   * last attempt, dead-letter with the reason like any other failure (the in-memory bus, which
   * retries at once, would otherwise spin on a store that stays down).
   */
  private pipelineFailed(err: unknown, d: Delivery, eventId: string): Outcome {
    if (d.deliveryAttempt >= this.o.maxDeliveryAttempts) return this.failed(err, d.messageId, d.deliveryAttempt, eventId);
    this.o.logger.error({ err, messageId: d.messageId, eventId }, 'delivery pipeline failed (processed-ids store); nacking');
    return { kind: 'nack', code: 'PIPELINE_ERROR', error: err };
  }

  /** Runs the handler unless a concurrent delivery of the same event already is. */
  private run<D extends Delivery>(d: D, eventId: string, event: unknown, done: (outcome: Outcome, d: D) => void): void {
    // Being done by a concurrent delivery of the same event, whose own outcome decides its
    // fate: acking this copy is safe.
    if (this.inProgress.has(eventId)) {
      done(this.duplicate(), d);
      return;
    }
    const ctx = new MessageContext(d, eventId, this.o);
    this.inProgress.add(eventId);
    this.counts.inFlight++;
    const started = performance.now();
    let result: unknown;
    try {
      result = (this.o.handler as Handler<unknown>)(event, ctx);
    } catch (err) {
      done(this.handlerFailed(err, ctx, started), d);
      return;
    }
    if (isThenable(result)) {
      Promise.resolve(result).then(
        () => this.handlerDone(ctx, started, done),
        (err: unknown) => done(this.handlerFailed(err, ctx, started), d),
      );
    } else this.handlerDone(ctx, started, done);
  }

  private handlerDone<D extends Delivery>(ctx: MessageContext<D>, started: number, done: (outcome: Outcome, d: D) => void): void {
    let added: void | Promise<void>;
    try {
      added = this.o.processedIds.add(ctx.eventId);
    } catch (err) {
      done(this.handlerFailed(err, ctx, started), ctx.delivery);
      return;
    }
    if (added === undefined) done(this.succeeded(ctx.eventId, started), ctx.delivery);
    else {
      Promise.resolve(added).then(
        () => done(this.succeeded(ctx.eventId, started), ctx.delivery),
        (err: unknown) => done(this.handlerFailed(err, ctx, started), ctx.delivery),
      );
    }
  }

  private succeeded(eventId: string, started: number): Outcome {
    this.m.handlerOk.observe((performance.now() - started) / 1000);
    this.finished(eventId);
    return ACK;
  }

  /** The handler threw or rejected, or its event could not be recorded as processed. */
  private handlerFailed(err: unknown, ctx: MessageContext<Delivery>, started: number): Outcome {
    this.m.handlerError.observe((performance.now() - started) / 1000);
    this.finished(ctx.eventId);
    return this.failed(err, ctx.messageId, ctx.deliveryAttempt, ctx.eventId);
  }

  private finished(eventId: string): void {
    this.inProgress.delete(eventId);
    this.counts.inFlight--;
  }

  /** Counts what the transport did with a message; called once the ack/nack/dead-letter is done. */
  settled(done: 'acked' | 'duplicate' | 'nacked' | 'dead-lettered', code = ''): void {
    const m = this.o.metrics;
    if (done === 'acked') this.counts.acked++;
    else if (done === 'nacked') m.nacked.inc({ ...this.labels, code });
    else if (done === 'dead-lettered') m.deadLettered.inc({ ...this.labels, code });
  }

  private failed(err: unknown, messageId: string, deliveryAttempt: number, eventId: string | undefined): Outcome {
    const code = errorCode(err);
    const message = (err as Error)?.message ?? String(err);
    const log = this.o.logger.child({ messageId, eventId, deliveryAttempt });
    if (isPermanent(err)) {
      log.error({ err, code }, `permanent failure, dead-lettering: ${message}`);
      return { kind: 'dead-letter', code, reason: truncate(message), retryable: false, error: err };
    }
    if (deliveryAttempt >= this.o.maxDeliveryAttempts) {
      log.error({ err, code }, `failed on attempt ${deliveryAttempt} of ${this.o.maxDeliveryAttempts}, dead-lettering: ${message}`);
      return {
        kind: 'dead-letter',
        code,
        reason: truncate(`gave up after ${deliveryAttempt} attempts: ${message}`),
        retryable: true,
        error: err,
      };
    }
    log.warn({ err, code }, `failed on attempt ${deliveryAttempt} of ${this.o.maxDeliveryAttempts}, will be redelivered: ${message}`);
    return { kind: 'nack', code, error: err };
  }

}

const isThenable = (v: unknown): v is PromiseLike<unknown> => typeof (v as { then?: unknown } | null)?.then === 'function';
const ACK: Outcome = { kind: 'ack' };
const DUPLICATE: Outcome = { kind: 'duplicate' };

/**
 * A handler's view of its message. It reads the delivery's fields rather than copying them,
 * and makes the trace and the child logger on first use.
 */
class MessageContext<D extends Delivery> implements EventContext {
  private traceValue: TraceContext | undefined | null = null;
  private loggerValue: Logger | undefined;

  constructor(
    readonly delivery: D,
    readonly eventId: string,
    private readonly o: DispatcherOptions,
  ) {}

  get messageId(): string {
    return this.delivery.messageId;
  }
  get topic(): string {
    return this.o.contract.topic;
  }
  get subscription(): string {
    return this.o.subscription;
  }
  get deliveryAttempt(): number {
    return this.delivery.deliveryAttempt;
  }
  get publishTime(): Date {
    return this.delivery.publishTime;
  }
  get attributes(): Readonly<Record<string, string>> {
    return this.delivery.attributes;
  }
  get orderingKey(): string | undefined {
    return this.delivery.orderingKey;
  }
  get signal(): AbortSignal {
    return this.o.signal;
  }
  /**
   * A getter returning a function rather than a method, so a handler can destructure it
   * (`const { releaseOrderingKey } = ctx`) or hand it to other code: a method would lose `this`.
   */
  get releaseOrderingKey(): () => void {
    const d = this.delivery;
    return () => d.releaseOrderingKey?.();
  }

  get trace(): TraceContext | undefined {
    if (this.traceValue === null) this.traceValue = parseTraceparent(this.attributes[Attributes.Traceparent]);
    return this.traceValue;
  }

  get logger(): Logger {
    if (this.loggerValue === undefined) {
      const trace = this.trace;
      this.loggerValue = this.o.logger.child({
        messageId: this.messageId,
        eventId: this.eventId,
        deliveryAttempt: this.deliveryAttempt,
        ...(trace
          ? {
              'logging.googleapis.com/trace': this.o.traceResource?.(trace.traceId) ?? trace.traceId,
              'logging.googleapis.com/spanId': trace.spanId,
              'logging.googleapis.com/trace_sampled': trace.sampled,
            }
          : {}),
      });
    }
    return this.loggerValue;
  }
}

function truncate(s: string): string {
  return s.length > Defaults.reasonMaxChars ? `${s.slice(0, Defaults.reasonMaxChars - 3)}...` : s;
}
