/**
 * A token bucket: `take()` resolves at once while tokens remain, otherwise when the next one is
 * due. A rate of 0 or Infinity means no limit. The bucket holds at most one second of tokens, so
 * a pause is not followed by a burst larger than the rate.
 */
export class RateLimiter {
  private tokens: number;
  private last = performance.now();

  constructor(readonly perSecond: number) {
    this.tokens = Math.min(perSecond, 1);
  }

  get unlimited(): boolean {
    return !(this.perSecond > 0 && Number.isFinite(this.perSecond));
  }

  async take(signal?: AbortSignal): Promise<void> {
    if (this.unlimited) return;
    for (;;) {
      const now = performance.now();
      this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      if (signal?.aborted) return;
      await new Promise((r) => setTimeout(r, Math.max(1, ((1 - this.tokens) / this.perSecond) * 1000)));
    }
  }
}
