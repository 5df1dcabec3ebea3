/**
 * Every default of the event kit, in one place. Durations carry their unit in the name.
 */
export const Defaults = {
  /** Publisher batching: send when this many messages are waiting... */
  batchMaxMessages: 1000,
  /** ...or this many bytes... */
  batchMaxBytes: 1024 * 1024,
  /** ...or this long after the first message of a batch, whichever comes first. Keeps latency low. */
  batchMaxMs: 10,
  /**
   * The same wait on a topic published with ordering keys. The client library batches such a
   * topic per ordering key, each key with its own timer, so events of different keys never
   * share a batch and the wait is pure latency for every one of them (10 ms per hop measured in
   * bench-fraud). At 0 a key's events published in the same event-loop turn still share a batch.
   */
  orderedBatchMaxMs: 0,
  /** Flow control: messages a subscriber handles at once (the service's concurrency). */
  maxInFlightMessages: 100,
  /** Streaming-pull streams per subscription (the client library's own default). */
  subscriberStreams: 5,
  /** Flow control: bytes a subscriber holds at once. */
  maxInFlightBytes: 100 * 1024 * 1024,
  /** Graceful shutdown: how long in-flight handlers get to finish before their messages are nacked. */
  shutdownTimeoutMs: 20_000,
  /** Idempotency: how many processed event ids the in-memory store remembers. */
  processedIdsMax: 1_000_000,
  /** Idempotency: how long a processed id is remembered (Pub/Sub redelivers within retention, 7 days max). */
  processedIdsTtlMs: 24 * 60 * 60 * 1000,
  /**
   * Stalled-stream watchdog: a subscriber that has received nothing for this long while idle
   * reopens its streaming pull. Reopening an idle stream is cheap; a silently stalled one
   * would otherwise leave a backlog growing unnoticed.
   */
  stallTimeoutMs: 5 * 60 * 1000,
  /** How often the watchdog looks. */
  watchdogIntervalMs: 15_000,
  /** After a stream error, wait this long before reopening. */
  reopenDelayMs: 1_000,
  /** Dead-letter reasons longer than this are truncated (attribute values are limited to 1 KiB). */
  reasonMaxChars: 1000,
  /** Used when the subscription has no dead-letter policy (should not happen for provisioned ones). */
  maxDeliveryAttempts: 5,
} as const;
