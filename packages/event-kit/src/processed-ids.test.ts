import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { uuidv7 } from './ids.js';
import { FileProcessedIds, MemoryProcessedIds } from './processed-ids.js';

describe('processed-ids stores', () => {
  it('the file store remembers ids across a reopen (a crash loses nothing it acknowledged)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ids-'));
    try {
      const a = new FileProcessedIds(join(dir, 'ids.log'));
      a.add('e-1');
      a.add('e-2');
      a.add('e-1');
      a.close();
      const b = new FileProcessedIds(join(dir, 'ids.log'));
      expect(b.has('e-1') && b.has('e-2')).toBe(true);
      expect(b.has('e-3')).toBe(false);
      expect(b.size).toBe(2);
      b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the memory store remembers at least half its capacity of recent ids and stays bounded', () => {
    const s = new MemoryProcessedIds({ max: 4 });
    for (const id of ['a', 'b', 'c', 'd', 'e']) s.add(id);
    expect(s.has('c') && s.has('d') && s.has('e')).toBe(true); // the newest max/2 and more
    expect(s.has('a')).toBe(false); // the oldest generation was dropped
    for (let i = 0; i < 100; i++) s.add(`x${i}`);
    expect(s.size).toBeLessThanOrEqual(4);
  });

  it('the memory store tells tens of thousands of UUIDs apart from ones it never saw, across growth and generations', () => {
    const s = new MemoryProcessedIds({ max: 40_000 });
    const seen = [...Array.from({ length: 15_000 }, () => uuidv7()), ...Array.from({ length: 15_000 }, () => randomUUID())];
    for (const id of seen) s.add(id);
    for (const id of seen.slice(-100)) s.add(id); // adding again changes nothing
    expect(s.size).toBe(30_000);
    expect(seen.every((id) => s.has(id))).toBe(true);
    const unseen = [...Array.from({ length: 5_000 }, () => uuidv7()), ...Array.from({ length: 5_000 }, () => randomUUID())];
    expect(unseen.filter((id) => s.has(id))).toEqual([]);
    // Ids that differ in one bit of any word, including the timestamp a UUIDv7 starts with.
    const near = seen.slice(0, 200).flatMap((id) => [0, 10, 15, 20, 35].map((i) => id.slice(0, i) + (id[i] === '0' ? '1' : '0') + id.slice(i + 1)));
    expect(near.filter((id) => s.has(id))).toEqual([]);
  });

  it('the memory store compares ids as strings: other shapes, upper case and the nil UUID are kept exactly', () => {
    const s = new MemoryProcessedIds();
    const id = '0192f3a1-7b2c-7d4e-8f00-123456789abc';
    const others = ['gs://bucket/photos/a.jpg#1732', 'order-17', id.toUpperCase(), '00000000-0000-0000-0000-000000000000', `${id} `, id.replace(/-/g, '')];
    s.add(id);
    expect(others.filter((o) => s.has(o))).toEqual([]);
    for (const o of others) s.add(o);
    expect([id, ...others].every((o) => s.has(o))).toBe(true);
    expect(s.has('0192f3a1-7b2c-7d4e-8f00-123456789abd')).toBe(false);
    expect(s.size).toBe(1 + others.length);
  });

  it('the memory store forgets ids older than its time-to-live', () => {
    const now = jest.spyOn(Date, 'now');
    try {
      now.mockReturnValue(1_000);
      const s = new MemoryProcessedIds({ ttlMs: 1000 });
      s.add('old');
      now.mockReturnValue(1_600); // past half the TTL: a new generation starts
      s.add('newer');
      expect(s.has('old')).toBe(true);
      now.mockReturnValue(2_200);
      s.add('newest');
      expect(s.has('old')).toBe(false);
      expect(s.has('newer') && s.has('newest')).toBe(true);
    } finally {
      now.mockRestore();
    }
  });
});
