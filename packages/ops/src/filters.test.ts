import { OpsError } from './errors.js';
import { matchesFilters, parseFilter, parseTime } from './filters.js';

describe('times and filters from the command line', () => {
  const now = Date.parse('2026-11-21T12:00:00.000Z');

  it('reads ISO, epoch milliseconds, now and relative times', () => {
    expect(parseTime('2026-11-21T10:00:00Z', now).toISOString()).toBe('2026-11-21T10:00:00.000Z');
    expect(parseTime(String(now), now).getTime()).toBe(now);
    expect(parseTime('now', now).getTime()).toBe(now);
    expect(parseTime('-2h', now).toISOString()).toBe('2026-11-21T10:00:00.000Z');
    expect(parseTime('-30m', now).toISOString()).toBe('2026-11-21T11:30:00.000Z');
    expect(parseTime('-7d', now).toISOString()).toBe('2026-11-14T12:00:00.000Z');
  });

  it('says how to write a time when it cannot read one', () => {
    expect(() => parseTime('last tuesday', now)).toThrow(OpsError);
    expect(() => parseTime('last tuesday', now)).toThrow(/not a time/);
  });

  it('filters on every attr=value given (values may contain =)', () => {
    expect(parseFilter('ce-type=OrderPlaced')).toEqual({ key: 'ce-type', value: 'OrderPlaced' });
    expect(parseFilter('q=a=b')).toEqual({ key: 'q', value: 'a=b' });
    expect(() => parseFilter('=x')).toThrow(/attr=value/);
    const a = { 'ce-type': 'OrderPlaced', decision: 'decline' };
    expect(matchesFilters(a, [parseFilter('ce-type=OrderPlaced'), parseFilter('decision=decline')])).toBe(true);
    expect(matchesFilters(a, [parseFilter('ce-type=OrderPlaced'), parseFilter('decision=approve')])).toBe(false);
    expect(matchesFilters(a, [])).toBe(true);
  });
});
