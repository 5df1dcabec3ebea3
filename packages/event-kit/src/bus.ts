import type { AnyEventContract, EventOf } from '@commerce/contracts';
import type { Logger } from 'pino';
import type { ProcessedIdsStore } from './processed-ids.js';
import type { TraceContext } from './trace.js';

/** What a handler knows about the message it is handling. */
export interface EventContext {
  /** The event's identity: `ce-id`, or `gs://bucket/object#generation` for storage notifications. */
  readonly eventId: string;
  readonly messageId: string;
  readonly topic: string;
  readonly subscription: string;
  /** 1 on first delivery; counts redeliveries. */
  readonly deliveryAttempt: number;
  readonly publishTime: Date;
  readonly attributes: Readonly<Record<string, string>>;
  readonly orderingKey: string | undefined;
  readonly trace: TraceContext | undefined;
  /** Bound to messageId, eventId, subscription, deliveryAttempt and the trace. */
  readonly logger: Logger;
  /** Aborted when shutdown is about to give up on this handler; long work should stop and throw. */
  readonly signal: AbortSignal;
  /**
   * Ordered subscriptions run a key's messages one at a time. A handler whose order-sensitive part
   * is done before the rest (the fraud scorer has folded the order into its graph; what remains is
   * publishing and making it durable) calls this to let the key's next message start now. Its own
   * ack still waits for it to resolve. A no-op on unordered subscriptions and after the first call.
   * A function, not a method: it may be destructured or passed on.
   */
  readonly releaseOrderingKey?: () => void;
}

/**
 * Resolves when the event's work is durably done (then the message is acked). Throwing a
 * PermanentError dead-letters the message at once; any other error is retried.
 * Must be idempotent: Pub/Sub delivers at least once.
 */
export type Handler<T> = (event: T, ctx: EventContext) => Promise<void>;

export interface PublishOptions {
  /** The event being handled: the new event continues its trace. */
  readonly parent?: Pick<EventContext, 'trace'>;
  /** Publish with this id instead of a new UUIDv7 (re-publishing the same fact is then deduplicated). */
  readonly eventId?: string;
}

export interface PublishReceipt {
  readonly topic: string;
  readonly eventId: string;
  readonly messageId: string;
  readonly orderingKey?: string;
}

export interface SubscribeOptions {
  /** Messages handled at once; also the flow-control limit, so nothing waits in memory unhandled. */
  readonly maxInFlight?: number;
  /** Streaming-pull streams for this subscription; the bus's setting by default. A low-volume subscription needs one. */
  readonly streams?: number;
  /** Where processed event ids are remembered; the bus's store by default. */
  readonly processedIds?: ProcessedIdsStore;
}

export interface SubscriptionHealth {
  readonly subscription: string;
  readonly topic: string;
  readonly open: boolean;
  readonly inFlight: number;
  readonly lastMessageAt?: string;
  readonly lastError?: string;
}

export interface SubscriptionHandle {
  readonly subscription: string;
  /** Resolves once the subscription is verified and pulling; rejects with a clear error otherwise. */
  readonly ready: Promise<void>;
  health(): SubscriptionHealth;
  /** Stop pulling, let in-flight handlers finish (or nack them at the timeout). */
  close(): Promise<void>;
}

/** One interface, two implementations: Pub/Sub (services, integration tests) and in-memory (handler unit tests). */
export interface EventBus {
  publish<C extends AnyEventContract>(contract: C, event: EventOf<C>, options?: PublishOptions): Promise<PublishReceipt>;
  subscribe<C extends AnyEventContract>(contract: C, subscription: string, handler: Handler<EventOf<C>>, options?: SubscribeOptions): SubscriptionHandle;
  health(): { readonly ready: boolean; readonly subscriptions: readonly SubscriptionHealth[] };
  /** Two phases: stop taking work and drain subscribers, then flush publishers and close clients. */
  close(): Promise<void>;
}
