import { UndecodableMessageError, type AnyEventContract } from '@commerce/contracts';
import type { Logger } from 'pino';
import type { EventContext, Handler } from './bus.js';
import { Defaults } from './defaults.js';
import { identify } from './envelope.js';
import { errorCode, isPermanent } from './errors.js';
import type { EventKitMetrics } from './metrics.js';
import type { ProcessedIdsStore } from './processed-ids.js';

/** A message as delivered, independent of the transport. */
export interface Delivery {
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
  readonly messageId: string;
  readonly publishTime: Date;
  readonly orderingKey: string | undefined;
  readonly deliveryAttempt: number;
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
  inFlight = 0;
  lastMessageAt: Date | undefined;

  constructor(private readonly o: DispatcherOptions) {
    this.labels = { subscription: o.subscription };
  }

  async dispatch(d: Delivery): Promise<Outcome> {
    const { metrics, contract } = this.o;
    metrics.received.inc(this.labels);
    this.lastMessageAt = new Date();
    let eventId: string | undefined;
    let event: unknown;
    let ctx: EventContext;
    try {
      const identity = identify(contract, d.attributes);
      eventId = identity.eventId;
      try {
        event = JSON.parse(d.data.toString('utf8'));
      } catch (err) {
        throw new UndecodableMessageError(contract.topic, err);
      }
      event = contract.parse(event);
      ctx = this.context(d, identity.eventId, identity.trace);
    } catch (err) {
      return this.failed(err, d, eventId);
    }

    if ((await this.o.processedIds.has(ctx.eventId)) || this.inProgress.has(ctx.eventId)) {
      // Already done (or being done by a concurrent delivery of the same event, whose own
      // outcome decides its fate): acking this copy is safe.
      metrics.duplicates.inc(this.labels);
      return { kind: 'duplicate' };
    }

    this.inProgress.add(ctx.eventId);
    this.inFlight++;
    metrics.inFlight.inc(this.labels);
    const end = metrics.handlerSeconds.startTimer(this.labels);
    try {
      await (this.o.handler as Handler<unknown>)(event, ctx);
      await this.o.processedIds.add(ctx.eventId);
      end({ outcome: 'ok' });
      return { kind: 'ack' };
    } catch (err) {
      end({ outcome: 'error' });
      return this.failed(err, d, ctx.eventId);
    } finally {
      this.inProgress.delete(ctx.eventId);
      this.inFlight--;
      metrics.inFlight.dec(this.labels);
    }
  }

  /** Counts what the transport did with a message; called once the ack/nack/dead-letter is done. */
  settled(done: 'acked' | 'duplicate' | 'nacked' | 'dead-lettered', code = ''): void {
    const m = this.o.metrics;
    if (done === 'acked') m.acked.inc(this.labels);
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

  private context(d: Delivery, eventId: string, trace: EventContext['trace']): EventContext {
    const o = this.o;
    let logger: Logger | undefined;
    return {
      eventId,
      messageId: d.messageId,
      topic: o.contract.topic,
      subscription: o.subscription,
      deliveryAttempt: d.deliveryAttempt,
      publishTime: d.publishTime,
      attributes: d.attributes,
      orderingKey: d.orderingKey,
      trace,
      signal: o.signal,
      // A child logger per message costs more than the rest of the pipeline: make it on first use.
      get logger(): Logger {
        return (logger ??= o.logger.child({
          messageId: d.messageId,
          eventId,
          deliveryAttempt: d.deliveryAttempt,
          ...(trace ? { 'logging.googleapis.com/trace': o.traceResource?.(trace.traceId) ?? trace.traceId, 'logging.googleapis.com/spanId': trace.spanId, 'logging.googleapis.com/trace_sampled': trace.sampled } : {}),
        }));
      },
    };
  }
}

function truncate(s: string): string {
  return s.length > Defaults.reasonMaxChars ? `${s.slice(0, Defaults.reasonMaxChars - 3)}...` : s;
}
