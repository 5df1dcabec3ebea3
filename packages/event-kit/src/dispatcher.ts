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
   * The outcome, as a plain value when it is known at once (a duplicate, an invalid message) and
   * otherwise as a promise. Not an async function: at thousands of messages a second each async
   * frame and await costs more than the checks it wraps. Never throws; a failure of the
   * pipeline itself (the processed-ids store) rejects.
   */
  dispatch(d: Delivery): Outcome | Promise<Outcome> {
    const { contract, processedIds } = this.o;
    this.counts.received++;
    this.lastMessageAtMs = Date.now();
    let eventId: string | undefined;
    let event: unknown;
    try {
      eventId = identify(contract, d.attributes).eventId;
      try {
        event = JSON.parse(d.data.toString('utf8'));
      } catch (err) {
        throw new UndecodableMessageError(contract.topic, err);
      }
      event = contract.parse(event);
    } catch (err) {
      return this.failed(err, d, eventId);
    }
    let seen: boolean | Promise<boolean>;
    try {
      seen = processedIds.has(eventId);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    if (seen === true || seen === false) return seen ? this.duplicate() : this.run(d, eventId, event);
    const id = eventId;
    // Promise.resolve: a store may hand back any thenable; a native promise passes through as is.
    return Promise.resolve(seen).then((s) => (s ? this.duplicate() : this.run(d, id, event)));
  }

  private duplicate(): Outcome {
    this.counts.duplicates++;
    return DUPLICATE;
  }

  /** Runs the handler unless a concurrent delivery of the same event already is. */
  private run(d: Delivery, eventId: string, event: unknown): Outcome | Promise<Outcome> {
    // Being done by a concurrent delivery of the same event, whose own outcome decides its
    // fate: acking this copy is safe.
    if (this.inProgress.has(eventId)) return this.duplicate();
    const ctx = new MessageContext(d, eventId, this.o);
    this.inProgress.add(eventId);
    this.counts.inFlight++;
    const started = performance.now();
    let result: unknown;
    try {
      result = (this.o.handler as Handler<unknown>)(event, ctx);
    } catch (err) {
      return this.handlerFailed(err, d, eventId, started);
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        () => this.handlerDone(d, eventId, started),
        (err: unknown) => this.handlerFailed(err, d, eventId, started),
      );
    }
    return this.handlerDone(d, eventId, started);
  }

  private handlerDone(d: Delivery, eventId: string, started: number): Outcome | Promise<Outcome> {
    let added: void | Promise<void>;
    try {
      added = this.o.processedIds.add(eventId);
    } catch (err) {
      return this.handlerFailed(err, d, eventId, started);
    }
    if (added === undefined) return this.succeeded(eventId, started);
    return Promise.resolve(added).then(
      () => this.succeeded(eventId, started),
      (err: unknown) => this.handlerFailed(err, d, eventId, started),
    );
  }

  private succeeded(eventId: string, started: number): Outcome {
    this.m.handlerOk.observe((performance.now() - started) / 1000);
    this.finished(eventId);
    return ACK;
  }

  /** The handler threw or rejected, or its event could not be recorded as processed. */
  private handlerFailed(err: unknown, d: Delivery, eventId: string, started: number): Outcome {
    this.m.handlerError.observe((performance.now() - started) / 1000);
    this.finished(eventId);
    return this.failed(err, d, eventId);
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

  private failed(err: unknown, d: Delivery, eventId: string | undefined): Outcome {
    const code = errorCode(err);
    const message = (err as Error)?.message ?? String(err);
    const log = this.o.logger.child({ messageId: d.messageId, eventId, deliveryAttempt: d.deliveryAttempt });
    if (isPermanent(err)) {
      log.error({ err, code }, `permanent failure, dead-lettering: ${message}`);
      return { kind: 'dead-letter', code, reason: truncate(message), retryable: false, error: err };
    }
    if (d.deliveryAttempt >= this.o.maxDeliveryAttempts) {
      log.error({ err, code }, `failed on attempt ${d.deliveryAttempt} of ${this.o.maxDeliveryAttempts}, dead-lettering: ${message}`);
      return {
        kind: 'dead-letter',
        code,
        reason: truncate(`gave up after ${d.deliveryAttempt} attempts: ${message}`),
        retryable: true,
        error: err,
      };
    }
    log.warn({ err, code }, `failed on attempt ${d.deliveryAttempt} of ${this.o.maxDeliveryAttempts}, will be redelivered: ${message}`);
    return { kind: 'nack', code, error: err };
  }

}

const noop = (): void => undefined;
const isThenable = (v: unknown): v is PromiseLike<unknown> => typeof (v as { then?: unknown } | null)?.then === 'function';
const ACK: Outcome = { kind: 'ack' };
const DUPLICATE: Outcome = { kind: 'duplicate' };

/** A handler's view of its message. The trace and the child logger are made on first use. */
class MessageContext implements EventContext {
  readonly messageId: string;
  readonly topic: string;
  readonly subscription: string;
  readonly deliveryAttempt: number;
  readonly publishTime: Date;
  readonly attributes: Readonly<Record<string, string>>;
  readonly orderingKey: string | undefined;
  readonly signal: AbortSignal;
  readonly releaseOrderingKey: () => void;
  private traceValue: TraceContext | undefined | null = null;
  private loggerValue: Logger | undefined;

  constructor(d: Delivery, readonly eventId: string, private readonly o: DispatcherOptions) {
    this.messageId = d.messageId;
    this.topic = o.contract.topic;
    this.subscription = o.subscription;
    this.deliveryAttempt = d.deliveryAttempt;
    this.publishTime = d.publishTime;
    this.attributes = d.attributes;
    this.orderingKey = d.orderingKey;
    this.signal = o.signal;
    this.releaseOrderingKey = d.releaseOrderingKey ?? noop;
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
