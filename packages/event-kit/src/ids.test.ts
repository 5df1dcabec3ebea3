import { traceparentOf, uuidv7 } from './ids.js';

const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/;

describe('uuidv7', () => {
  it('carries the millisecond it was made in its first 48 bits', () => {
    for (let i = 0; i < 1_000; i++) {
      const before = Date.now();
      const id = uuidv7();
      const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
      // A burst of 4,096+ ids in one millisecond may run the clock ahead by a millisecond or two.
      expect(ms).toBeGreaterThanOrEqual(before);
      expect(ms).toBeLessThanOrEqual(Date.now() + 2);
    }
  });

  it('uses every hex digit in every random position', () => {
    const ids = Array.from({ length: 4_000 }, () => uuidv7());
    for (const pos of [21, 22, 24, 25, 30, 35]) expect(new Set(ids.map((id) => id[pos])).size).toBe(16);
  });
});

describe('traceparentOf', () => {
  it('starts a new trace, or continues the given one, with a new span id and the sampled flag', () => {
    const root = traceparentOf(undefined, true);
    expect(root).toMatch(TRACEPARENT);
    expect(root.endsWith('-01')).toBe(true);
    const traceId = root.slice(3, 35);
    const child = traceparentOf(traceId, false);
    expect(child).toMatch(TRACEPARENT);
    expect(child.slice(3, 35)).toBe(traceId);
    expect(child.slice(36, 52)).not.toBe(root.slice(36, 52));
    expect(child.endsWith('-00')).toBe(true);
  });

  it('gives distinct trace and span ids, with every hex digit in every position', () => {
    const all = Array.from({ length: 4_000 }, () => traceparentOf(undefined, true));
    expect(new Set(all.map((t) => t.slice(3, 35))).size).toBe(all.length);
    expect(new Set(all.map((t) => t.slice(36, 52))).size).toBe(all.length);
    for (const pos of [3, 4, 20, 34, 36, 37, 51]) expect(new Set(all.map((t) => t[pos])).size).toBe(16);
  });
});
