/** Rate limit, backoff, clock and the retry rule for cloud calls come from the service kit. */
export { CloudCallError, RateLimiter, backoffWithJitterMs, isRetryableCloudError as isRetryable, systemClock, type Clock } from '@commerce/service-kit';
