/** Rate limit, backoff and clock for cloud calls come from the service kit; what is retryable is this service's. */
export { RateLimiter, backoffWithJitterMs, systemClock, type Clock } from '@commerce/service-kit';

/** An HTTP status from a cloud endpoint, kept so retry decisions can read it. */
export class CloudCallError extends Error {
  override readonly name = 'CloudCallError';
  constructor(
    message: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isRetryable(err: unknown): boolean {
  const status = (err as { status?: unknown }).status;
  if (typeof status === 'number') return status === 429 || status >= 500;
  const text = `${(err as Error)?.message ?? ''} ${String((err as { cause?: unknown })?.cause ?? '')}`;
  return /fetch failed|ECONNRESET|ECONNREFUSED|ETIMEDOUT|socket hang up|network/i.test(text);
}
