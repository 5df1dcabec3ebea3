import { DiurnalClock, MS, iso, yyyymmdd } from './clock.js';
import { createRng } from './rng.js';

describe('iso', () => {
  it('formats exactly like Date#toISOString across the centuries the generator uses', () => {
    const rng = createRng(1);
    const from = Date.parse('1990-01-01T00:00:00Z');
    const to = Date.parse('2100-12-31T23:59:59Z');
    for (let i = 0; i < 50_000; i++) {
      const ms = Math.floor(rng.between(from, to));
      expect(iso(ms)).toBe(new Date(ms).toISOString());
    }
    for (const edge of ['2028-02-29T23:59:59.999Z', '2026-12-31T23:59:59.999Z', '2027-01-01T00:00:00.000Z', '2000-03-01T00:00:00.001Z']) {
      expect(iso(Date.parse(edge))).toBe(edge);
    }
  });

  it('gives the compact UTC date', () => {
    expect(yyyymmdd(Date.parse('2026-11-01T23:59:59.999Z'))).toBe('20261101');
    expect(yyyymmdd(Date.parse('2026-12-31T00:00:00.000Z'))).toBe('20261231');
  });
});

describe('DiurnalClock', () => {
  const clock = new DiurnalClock();
  const start = Date.parse('2026-11-01T00:00:00Z');

  it('is a monotonic bijection between wall time and activity', () => {
    let previous = -Infinity;
    for (let t = start; t < start + 3 * MS.day; t += 7 * MS.minute + 13) {
      const a = clock.activityAt(t);
      expect(a).toBeGreaterThan(previous);
      previous = a;
      // Epoch milliseconds near 1.8e12 carry about 2e-4 ms of float resolution.
      expect(Math.abs(clock.wallAt(a) - t)).toBeLessThan(0.01);
    }
  });

  it('keeps a whole day a whole day of activity', () => {
    expect(clock.activityAt(start + MS.day) - clock.activityAt(start)).toBeCloseTo(MS.day, 3);
  });

  it('puts far more uniform arrivals into the evening than into the small hours', () => {
    const rng = createRng(2);
    const a0 = clock.activityAt(start);
    const byHour = new Array<number>(24).fill(0);
    for (let i = 0; i < 100_000; i++) byHour[new Date(clock.wallAt(a0 + rng.between(0, 10 * MS.day))).getUTCHours()]! += 1;
    // 19:00 UTC is 20:00 CET, the peak; 03:00 UTC is 04:00 CET, the trough.
    expect(byHour[19]! / byHour[3]!).toBeGreaterThan(10);
  });

  it('rejects a profile without 24 positive hours', () => {
    expect(() => new DiurnalClock([1, 2, 3])).toThrow(RangeError);
    expect(() => new DiurnalClock(new Array<number>(24).fill(0))).toThrow(RangeError);
  });
});
