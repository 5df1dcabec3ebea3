import type { SubscriptionHandle, SubscriptionHealth } from '@commerce/event-kit';
import { SubscriptionSetupError } from '@commerce/event-kit';
import type { ArchiveWriter, ArchivedMessage } from '@commerce/ops';
import { Duration, SubscriptionCloseBehaviors, type Message, type PubSub, type Subscription } from '@google-cloud/pubsub';
import type { Logger } from 'pino';
import type { ArchiverMetrics } from './metrics.js';

export interface TopicArchiverOptions {
  readonly pubsub: PubSub;
  readonly subscription: string;
  readonly writer: ArchiveWriter;
  readonly logger: Logger;
  readonly metrics: ArchiverMetrics;
  readonly batchMaxMessages: number;
  readonly batchMaxMs: number;
  readonly maxBufferedMessages: number;
  /** An idle stream is reopened after this long without a message (the emulator can stall a stream). */
  readonly stallTimeoutMs?: number;
}

const GRPC_NOT_FOUND = 5;

/** The archived form of a received message: everything Pub/Sub told us about it. */
export function toArchived(m: Pick<Message, 'id' | 'publishTime' | 'orderingKey' | 'attributes' | 'data'>): ArchivedMessage {
  return {
    messageId: m.id,
    publishTime: m.publishTime.toISOString(),
    ...(m.orderingKey ? { orderingKey: m.orderingKey } : {}),
    attributes: { ...m.attributes },
    data: m.data.toString('base64'),
  };
}

/**
 * Archives one subscription: buffers what arrives, writes it as one segment per partition when
 * the batch is full or old enough, and acks only after the write resolved (segment and manifest
 * durably stored). A failed write nacks the batch, so Pub/Sub redelivers it; a redelivered message
 * that was already written is recognised by its message id and acked without a second copy.
 */
export class TopicArchiver implements SubscriptionHandle {
  readonly subscription: string;
  readonly ready: Promise<void>;
  topic = '';
  private sub: Subscription | undefined;
  private buffer: Message[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly flushing = new Set<Promise<void>>();
  private open = false;
  private closing = false;
  private lastMessageAt: Date | undefined;
  private lastActivityMs = Date.now();
  private watchdog: NodeJS.Timeout | undefined;
  private lastError: string | undefined;
  private readonly log: Logger;

  constructor(private readonly o: TopicArchiverOptions) {
    this.subscription = o.subscription;
    this.log = o.logger.child({ subscription: o.subscription });
    this.ready = this.start();
    this.ready.catch((err: unknown) => {
      this.lastError = (err as Error).message;
    });
  }

  private async start(): Promise<void> {
    const sub = this.o.pubsub.subscription(this.subscription, {
      flowControl: { maxMessages: Math.max(this.o.maxBufferedMessages, this.o.batchMaxMessages), allowExcessMessages: false },
      closeOptions: { behavior: SubscriptionCloseBehaviors.NackImmediately, timeout: Duration.from({ seconds: 5 }) },
    });
    let metadata;
    try {
      [metadata] = await sub.getMetadata();
    } catch (err) {
      const projectId = (await this.o.pubsub.getClientConfig()).projectId;
      if ((err as { code?: number }).code === GRPC_NOT_FOUND) {
        throw new SubscriptionSetupError(`subscription ${this.subscription} does not exist in project ${projectId}; provision the topology first (\`make provision\`)`);
      }
      throw new SubscriptionSetupError(`cannot read subscription ${this.subscription} in project ${projectId}: ${(err as Error).message}`, { cause: err });
    }
    this.topic = metadata.topic?.split('/').pop() ?? '';
    if (this.closing) return;
    this.sub = sub;
    sub.on('message', (m: Message) => this.onMessage(m));
    sub.on('error', (err: Error) => {
      this.lastError = err.message;
      this.log.error({ err }, 'streaming pull failed; the client reconnects');
    });
    sub.on('close', () => {
      this.open = false;
    });
    if (!sub.isOpen) sub.open();
    this.open = true;
    this.lastActivityMs = Date.now();
    this.startWatchdog();
    this.log.info({ topic: this.topic, ordered: metadata.enableMessageOrdering ?? false }, 'archiving');
  }

  /**
   * Reopens a streaming pull that has delivered nothing for a while, as event-kit's subscribers do:
   * only when nothing is buffered or being written, since closing the stream nacks what it holds.
   */
  private startWatchdog(): void {
    const stallMs = this.o.stallTimeoutMs ?? 300_000;
    this.watchdog = setInterval(() => {
      const sub = this.sub;
      if (!sub || this.closing || !this.open || this.buffer.length > 0 || this.flushing.size > 0) return;
      if (Date.now() - this.lastActivityMs < stallMs) return;
      this.log.info({ idleMs: Date.now() - this.lastActivityMs }, 'no messages for a while; reopening the streaming pull in case it stalled');
      this.lastActivityMs = Date.now();
      this.open = false;
      void sub
        .close()
        .catch(() => undefined)
        .then(() => {
          if (this.closing) return;
          sub.open();
          this.open = true;
        });
    }, Math.min(15_000, stallMs));
    this.watchdog.unref();
  }

  private onMessage(m: Message): void {
    if (this.closing) {
      m.nack();
      return;
    }
    this.lastMessageAt = new Date();
    this.lastActivityMs = Date.now();
    this.buffer.push(m);
    this.o.metrics.buffered.inc({ subscription: this.subscription });
    if (this.buffer.length >= this.o.batchMaxMessages) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.o.batchMaxMs);
  }

  /** Starts writing what is buffered; resolves when it has been written and acked (or nacked). */
  private flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    if (batch.length === 0) return Promise.resolve();
    this.buffer = [];
    const work = this.write(batch);
    this.flushing.add(work);
    void work.finally(() => this.flushing.delete(work));
    return work;
  }

  private async write(batch: Message[]): Promise<void> {
    const topic = this.topic;
    const end = this.o.metrics.flushSeconds.startTimer({ topic });
    try {
      const r = await this.o.writer.write(topic, batch.map(toArchived));
      for (const m of batch) m.ack();
      this.o.metrics.archived.inc({ topic }, r.written);
      if (r.duplicates > 0) this.o.metrics.duplicates.inc({ topic }, r.duplicates);
      this.o.metrics.segments.inc({ topic }, r.segments.length);
      end();
    } catch (err) {
      this.lastError = (err as Error).message;
      this.log.error({ err, messages: batch.length }, 'could not write to the archive; nacking the batch so Pub/Sub redelivers it');
      for (const m of batch) m.nack();
      this.o.metrics.flushFailures.inc({ topic });
    } finally {
      this.o.metrics.buffered.dec({ subscription: this.subscription }, batch.length);
    }
  }

  health(): SubscriptionHealth {
    return {
      subscription: this.subscription,
      topic: this.topic,
      open: this.open,
      inFlight: this.buffer.length,
      ...(this.lastMessageAt ? { lastMessageAt: this.lastMessageAt.toISOString() } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Stops taking messages, writes and acks what is buffered, then closes the stream. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.watchdog);
    await this.ready.catch(() => undefined);
    await this.flush();
    await Promise.allSettled([...this.flushing]);
    await this.sub?.close().catch(() => undefined);
    this.open = false;
  }
}
