import { randomUUID } from 'node:crypto';
import { DeadLetterAttributes } from '@commerce/event-kit';
import { describeSubscription } from './admin.js';
import { audited } from './audit.js';
import type { OpsContext } from './context.js';
import { OpsError, explainPubSubError } from './errors.js';
import { OpsAttributes, matchesFilters, type AttributeFilter } from './filters.js';
import { Puller, type Received } from './pull.js';
import { RateLimiter } from './rate.js';

/** What event-kit writes on a dead letter: one definition, so the reader cannot drift from the writer. */
const Dlq = DeadLetterAttributes;
/** What Pub/Sub itself writes when its dead-letter policy moves a message. */
const NativeDeliveryCount = 'CloudPubSubDeadLetterSourceDeliveryCount';
const NativeSourceSubscription = 'CloudPubSubDeadLetterSourceSubscription';

export interface DeadLetter {
  readonly messageId: string;
  readonly originalMessageId?: string;
  readonly eventId?: string;
  readonly type?: string;
  readonly reason: string;
  readonly code: string;
  readonly retryable?: boolean;
  /** Delivery attempts on the original subscription before it was dead-lettered. */
  readonly attempts?: number;
  readonly subscription?: string;
  readonly sourceTopic?: string;
  readonly deadLetteredAt?: string;
  readonly publishTime?: string;
  readonly orderingKey?: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly data: string;
}

/** `order-placed.fraud-scorer` -> `order-placed.fraud-scorer.dlq.ops` (a `.dlq.ops` name is taken as it is). */
export function deadLetterSubscriptionOf(subscription: string): { consuming: string; deadLetters: string } {
  if (subscription.endsWith('.dlq.ops')) return { consuming: subscription.slice(0, -'.dlq.ops'.length), deadLetters: subscription };
  return { consuming: subscription, deadLetters: `${subscription}.dlq.ops` };
}

function toDeadLetter(r: Received): DeadLetter {
  const a = (r.message.attributes ?? {}) as Record<string, string>;
  const native = a[NativeDeliveryCount] !== undefined;
  const attempts = a[Dlq.DeliveryAttempt] ?? a[NativeDeliveryCount];
  const pt = r.message.publishTime;
  const data = r.message.data ? Buffer.from(r.message.data as Uint8Array) : Buffer.alloc(0);
  return {
    messageId: r.message.messageId ?? '',
    ...(a[Dlq.OriginalMessageId] ? { originalMessageId: a[Dlq.OriginalMessageId] } : {}),
    ...(a['ce-id'] ? { eventId: a['ce-id'] } : {}),
    ...(a['ce-type'] ? { type: a['ce-type'] } : {}),
    reason: a[Dlq.Reason] ?? (native ? 'Pub/Sub dead-letter policy: the consumer never acked it within the allowed delivery attempts' : '(no reason recorded)'),
    code: a[Dlq.Code] ?? (native ? 'MAX_DELIVERY_ATTEMPTS' : 'UNKNOWN'),
    ...(a[Dlq.Retryable] !== undefined ? { retryable: a[Dlq.Retryable] === 'true' } : {}),
    ...(attempts !== undefined ? { attempts: Number(attempts) } : {}),
    ...((a[Dlq.Subscription] ?? a[NativeSourceSubscription]) ? { subscription: (a[Dlq.Subscription] ?? a[NativeSourceSubscription])!.split('/').pop()! } : {}),
    ...(a[Dlq.SourceTopic] ? { sourceTopic: a[Dlq.SourceTopic] } : {}),
    ...(a[Dlq.DeadLetteredAt] ? { deadLetteredAt: a[Dlq.DeadLetteredAt] } : {}),
    ...(pt?.seconds != null ? { publishTime: new Date(Number(pt.seconds) * 1000 + Math.floor((pt.nanos ?? 0) / 1e6)).toISOString() } : {}),
    ...((a[Dlq.OrderingKey] ?? r.message.orderingKey) ? { orderingKey: (a[Dlq.OrderingKey] ?? r.message.orderingKey)! } : {}),
    attributes: a,
    data: data.toString('utf8'),
  };
}

const where = (ctx: OpsContext) => ({ projectId: ctx.projectId, ...(ctx.emulatorHost ? { emulatorHost: ctx.emulatorHost } : {}) });

async function openDeadLetters(ctx: OpsContext, subscription: string): Promise<{ consuming: string; deadLetters: string; topic: string }> {
  const names = deadLetterSubscriptionOf(subscription);
  const consuming = await describeSubscription(ctx, names.consuming);
  try {
    await ctx.pubsub.subscription(names.deadLetters).getMetadata();
  } catch (err) {
    const e = explainPubSubError(err, `dead-letter subscription ${names.deadLetters}`, where(ctx));
    throw new OpsError(`${names.consuming} has no dead-letter subscription ${names.deadLetters}`, `provision the topology (\`make provision\`): it creates one for every consuming subscription`, { cause: e });
  }
  return { ...names, topic: consuming.topic };
}

/**
 * Lists a subscription's dead letters with their reasons and attempts. Nothing is consumed: every
 * message is leased while read and released at the end, so it stays for the next look or a redrive.
 */
export async function inspectDeadLetters(ctx: OpsContext, subscription: string, opts: { limit?: number; filters?: readonly AttributeFilter[] } = {}): Promise<DeadLetter[]> {
  const { deadLetters } = await openDeadLetters(ctx, subscription);
  const puller = new Puller(ctx.pubsub, ctx.projectId, deadLetters);
  try {
    const got = await puller.pullAll(opts.limit ?? 10_000);
    return got
      .map(toDeadLetter)
      .filter((d) => matchesFilters(d.attributes, opts.filters ?? []))
      .sort((a, b) => (a.deadLetteredAt ?? a.publishTime ?? '').localeCompare(b.deadLetteredAt ?? b.publishTime ?? ''));
  } catch (err) {
    throw explainPubSubError(err, `read dead letters of ${subscription}`, where(ctx));
  } finally {
    await puller.close();
  }
}

export interface RedriveOptions {
  readonly filters?: readonly AttributeFilter[];
  /** Redrive at most this many. */
  readonly limit?: number;
  /** Messages per second (0: no limit). */
  readonly rate?: number;
  /** How many dead letters to look through at most. */
  readonly maxScan?: number;
}

export interface RedriveResult {
  readonly redriveId: string;
  readonly subscription: string;
  readonly topic: string;
  readonly redriven: number;
  /** Matching no filter, or beyond the limit: left where they were. */
  readonly left: number;
  readonly failed: number;
  readonly eventIds: readonly string[];
}

/**
 * Publishes dead letters back to the consuming subscription's topic, then acks each one on the
 * dead-letter subscription only after its publish was confirmed. The event keeps its `ce-id`
 * (consumers' idempotency still applies) and ordering key; the `dlq-*` attributes are replaced by
 * `ops-redrive-*` ones naming the redrive and the original message. Non-matching dead letters
 * are released untouched.
 */
export async function redriveDeadLetters(ctx: OpsContext, subscription: string, opts: RedriveOptions = {}): Promise<RedriveResult> {
  const { consuming, deadLetters, topic } = await openDeadLetters(ctx, subscription);
  const redriveId = randomUUID();
  const args = { subscription: consuming, topic, filters: opts.filters ?? [], limit: opts.limit ?? null, rate: opts.rate ?? 0, redriveId };
  return audited(
    ctx,
    'dlq redrive',
    args,
    async () => {
      const puller = new Puller(ctx.pubsub, ctx.projectId, deadLetters);
      const limiter = new RateLimiter(opts.rate ?? 0);
      const target = ctx.pubsub.topic(topic, { messageOrdering: true });
      let redriven = 0;
      let failed = 0;
      const eventIds: string[] = [];
      try {
        const all = await puller.pullAll(opts.maxScan ?? 10_000);
        const chosen = all.filter((r) => matchesFilters((r.message.attributes ?? {}) as Record<string, string>, opts.filters ?? [])).slice(0, opts.limit ?? Infinity);
        // Publishes overlap (the client batches them and keeps each ordering key in order); each
        // dead letter is acked as soon as its own publish is confirmed.
        const inFlight = new Set<Promise<void>>();
        for (const r of chosen) {
          await limiter.take();
          while (inFlight.size >= 500) await Promise.race(inFlight);
          const d = toDeadLetter(r);
          const attributes: Record<string, string> = {};
          for (const [k, v] of Object.entries(d.attributes)) if (!k.startsWith('dlq-') && !k.startsWith('CloudPubSubDeadLetter')) attributes[k] = v;
          attributes[OpsAttributes.RedriveId] = redriveId;
          attributes[OpsAttributes.RedriveOriginalMessageId] = d.originalMessageId ?? d.messageId;
          attributes[OpsAttributes.RedriveDeadLetterReason] = d.code;
          attributes[OpsAttributes.RedrivenAt] = new Date().toISOString();
          const data = r.message.data ? Buffer.from(r.message.data as Uint8Array) : Buffer.alloc(0);
          const one = target
            .publishMessage(d.orderingKey ? { data, attributes, orderingKey: d.orderingKey } : { data, attributes })
            .then(
              async () => {
                await puller.ack([r.ackId]);
                redriven++;
                eventIds.push(d.eventId ?? d.messageId);
              },
              () => {
                // Stays on the dead-letter subscription (released below); the key is resumed for the next.
                if (d.orderingKey) target.resumePublishing(d.orderingKey);
                failed++;
              },
            )
            .finally(() => inFlight.delete(one));
          inFlight.add(one);
        }
        await Promise.all(inFlight);
        return { redriveId, subscription: consuming, topic, redriven, left: all.length - redriven - failed, failed, eventIds };
      } finally {
        await target.flush().catch(() => undefined);
        await puller.close();
      }
    },
    (r) => ({ count: r.redriven, result: { redriven: r.redriven, left: r.left, failed: r.failed } }),
  );
}
