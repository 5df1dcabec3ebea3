import { systemClock, type Clock } from '@commerce/service-kit';

export { RateLimiter, backoffWithJitterMs, systemClock, type Clock } from '@commerce/service-kit';

/**
 * A daily spending cap in USD, reset at midnight UTC. Spend is reserved before a call (so
 * concurrent calls cannot overshoot) and released when the call produced nothing billable.
 * Per process: with N instances, give each 1/N of the project's budget.
 */
export class DailyBudget {
  private day = '';
  private spentUsd = 0;
  constructor(
    readonly limitUsd: number,
    readonly costPerImageUsd: number,
    private readonly clock: Clock = systemClock,
  ) {}

  private roll(): void {
    const day = new Date(this.clock.now()).toISOString().slice(0, 10);
    if (day !== this.day) {
      this.day = day;
      this.spentUsd = 0;
    }
  }

  tryReserve(): boolean {
    this.roll();
    if (this.spentUsd + this.costPerImageUsd > this.limitUsd + 1e-9) return false;
    this.spentUsd += this.costPerImageUsd;
    return true;
  }

  release(): void {
    this.spentUsd = Math.max(0, this.spentUsd - this.costPerImageUsd);
  }

  snapshot(): { day: string; spentUsd: number; limitUsd: number } {
    this.roll();
    return { day: this.day, spentUsd: Math.round(this.spentUsd * 1000) / 1000, limitUsd: this.limitUsd };
  }
}
