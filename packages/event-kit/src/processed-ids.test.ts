import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('the memory store forgets the least recently used id beyond its size', () => {
    const s = new MemoryProcessedIds({ max: 2 });
    s.add('a');
    s.add('b');
    s.add('c');
    expect(s.has('a')).toBe(false);
    expect(s.has('b') && s.has('c')).toBe(true);
  });
});
