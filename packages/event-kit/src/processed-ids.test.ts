import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
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
