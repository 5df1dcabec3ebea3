import { MicroBatcher } from './micro-batcher.js';

describe('MicroBatcher', () => {
  it('gathers concurrent requests into batches no larger than maxBatch, each answered with its own result', async () => {
    const sizes: number[] = [];
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        sizes.push(items.length);
        await new Promise((r) => setTimeout(r, 5));
        return items.map((x) => x * 2);
      },
      { maxBatch: 16, maxWaitMs: 2 },
    );
    const inputs = Array.from({ length: 100 }, (_, i) => i);
    const outputs = await Promise.all(inputs.map((i) => batcher.submit(i)));
    expect(outputs).toEqual(inputs.map((i) => i * 2));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(100);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(16);
    expect(sizes.length).toBeLessThanOrEqual(Math.ceil(100 / 16) + 1); // batched, not one call per item
    expect(batcher.counters.batches).toBe(sizes.length);
  });

  it('never runs two batches at once: requests arriving during a batch wait for the next', async () => {
    let running = 0;
    let overlap = false;
    const batcher = new MicroBatcher<number, number>(async (items) => {
      running += 1;
      if (running > 1) overlap = true;
      await new Promise((r) => setTimeout(r, 3));
      running -= 1;
      return items;
    }, { maxBatch: 4, maxWaitMs: 0 });
    const results: Array<Promise<number>> = [];
    for (let i = 0; i < 40; i++) {
      results.push(batcher.submit(i));
      if (i % 7 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    expect(await Promise.all(results)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(overlap).toBe(false);
  });

  it('a failing batch rejects every request in it and the next batch still runs', async () => {
    let calls = 0;
    const batcher = new MicroBatcher<number, number>(async (items) => {
      calls += 1;
      if (calls === 1) throw new Error('backend lost');
      return items;
    }, { maxBatch: 8, maxWaitMs: 1 });
    const first = await Promise.allSettled([1, 2, 3].map((i) => batcher.submit(i)));
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect((first[0] as PromiseRejectedResult).reason.message).toBe('backend lost');
    expect(await batcher.submit(4)).toBe(4);
  });
});
