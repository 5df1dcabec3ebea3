import { ContractViolationError, UndecodableMessageError } from '@commerce/contracts';

/**
 * A failure worth retrying: the message is nacked and Pub/Sub redelivers it with the
 * subscription's exponential backoff. Any error a handler throws that is not marked
 * permanent is treated as retryable.
 */
export class RetryableError extends Error {
  override readonly name: string = 'RetryableError';
  readonly retryable = true;
  constructor(message: string, readonly code = 'RETRYABLE', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A failure that retrying cannot fix (bad data, a business rule that will never pass):
 * the message goes to the dead-letter topic at once, with this error's code and message
 * as the reason, and is acked.
 */
export class PermanentError extends Error {
  override readonly name: string = 'PermanentError';
  readonly retryable = false;
  constructor(message: string, readonly code = 'PERMANENT', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Publishing failed: names the topic, the event and the ordering key, keeps the gRPC code and cause. */
export class PublishError extends Error {
  override readonly name = 'PublishError';
  constructor(
    readonly topic: string,
    readonly eventId: string,
    readonly orderingKey: string | undefined,
    readonly grpcCode: number | undefined,
    cause: unknown,
  ) {
    super(
      `publishing ${eventId} to ${topic}${orderingKey ? ` (ordering key ${orderingKey})` : ''} failed` +
        `${grpcCode !== undefined ? ` with gRPC code ${grpcCode}` : ''}: ${(cause as Error)?.message ?? String(cause)}` +
        (orderingKey ? '; publishing for that key was resumed, so later events with it are not blocked' : ''),
      { cause },
    );
  }
}

/** The subscription the code wants does not exist or is wired to another topic. */
export class SubscriptionSetupError extends Error {
  override readonly name = 'SubscriptionSetupError';
}

/** True when retrying the same message cannot succeed. */
export function isPermanent(err: unknown): boolean {
  if (err instanceof ContractViolationError || err instanceof UndecodableMessageError) return true;
  return (err as { retryable?: unknown })?.retryable === false;
}

/** A stable, short code for an error, used in dead-letter attributes and metrics labels. */
export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code)) return code;
  return isPermanent(err) ? 'PERMANENT' : 'HANDLER_ERROR';
}
