import { DailyBudget, RateLimiter, backoffWithJitterMs, type Clock } from './limits.js';

/** A clock that only moves when someone sleeps on it. */
function fakeClock(start = Date.parse('2026-11-21T23:59:00Z')): Clock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

describe('Gemini budget and rate limits', () => {
  it('stops at the daily budget, gives back failed calls, and starts again the next UTC day', async () => {
    const clock = fakeClock();
    const budget = new DailyBudget(0.1, 0.039, clock);
    expect([budget.tryReserve(), budget.tryReserve(), budget.tryReserve()]).toEqual([true, true, false]);
    budget.release();
    expect(budget.tryReserve()).toBe(true);
    expect(budget.snapshot()).toEqual({ day: '2026-11-21', spentUsd: 0.078, limitUsd: 0.1 });
    await clock.sleep(120_000);
    expect(budget.tryReserve()).toBe(true);
    expect(budget.snapshot()).toMatchObject({ day: '2026-11-22', spentUsd: 0.039 });
  });

  it('spaces calls to the configured rate after the burst', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(30, 2, clock);
    for (let i = 0; i < 5; i++) await limiter.take();
    // 2 at once (the burst), then one every 2 s: 3 waits of 2 s.
    expect(clock.slept).toEqual([2000, 2000, 2000]);
  });

  it('jitters backoff between zero and the capped exponential', () => {
    expect(backoffWithJitterMs(0, 1000, 30_000, () => 0.999)).toBe(999);
    expect(backoffWithJitterMs(3, 1000, 30_000, () => 0.5)).toBe(4000);
    expect(backoffWithJitterMs(10, 1000, 30_000, () => 0.999)).toBe(29_970);
    expect(backoffWithJitterMs(2, 1000, 30_000, () => 0)).toBe(0);
  });
});
