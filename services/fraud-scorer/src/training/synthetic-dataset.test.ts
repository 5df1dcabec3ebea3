import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FEATURES, OrderRelations } from '../domain/gnn/features.js';
import { bySplit, ownFeatures } from './dataset.js';
import { loadGenericDataset } from './generic-format.js';
import { exportSynthetic, syntheticDataset } from './synthetic-dataset.js';

const WORLD = { seed: 5, orders: 1200, shoppers: 200, fraudShare: 0.1 };

describe("the generator's data", () => {
  const ds = syntheticDataset(WORLD);

  it('splits by time: every training order precedes every validation order, which precede every test order', () => {
    const [train, valid, test] = (['train', 'valid', 'test'] as const).map((s) => bySplit(ds, s).map((e) => e.atMs!));
    expect(train.length).toBe(720);
    expect(Math.max(...train)).toBeLessThanOrEqual(Math.min(...valid));
    expect(Math.max(...valid)).toBeLessThanOrEqual(Math.min(...test));
    expect(ds.examples.filter((e) => e.label === 1).every((e) => e.pattern !== 'none')).toBe(true);
    expect(Date.parse(ds.window!.from)).toBe(Math.min(...train));
  });

  it('exports to the generic format and reads back as the same orders, features and relations', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'synthetic-export-'));
    try {
      const written = await exportSynthetic(dir, WORLD);
      expect(written.edges).toBe(WORLD.orders * OrderRelations.length);
      const generic = await loadGenericDataset(dir);
      expect(generic.layout.relations).toEqual([...OrderRelations]);
      expect(generic.layout.features.slice(0, FEATURES.length)).toEqual([...FEATURES]);
      expect(generic.hop1Fanout).toBe(1); // one entity per relation, as in the order graph
      expect(generic.examples.map((e) => [e.id, e.label, e.split, e.pattern])).toEqual(ds.examples.map((e) => [`order:${e.id}`, e.label, e.split, e.pattern]));
      // An order's own features are fixed when it arrives, so both paths give the model the same row
      // (to the 6 significant digits the CSV keeps).
      const a = ownFeatures(ds.examples[700]!);
      const b = ownFeatures(generic.examples[700]!).subarray(0, FEATURES.length);
      a.forEach((v, j) => expect(b[j]!).toBeCloseTo(v, 4));
      // Hop 2 through the user relation reaches the user's other orders.
      const s = generic.examples[700]!.subgraph;
      const viaUser = Array.from(s.hop2.subarray(0, s.fanout)).filter((i) => i > 0).map((i) => s.nodeKeys[i]!);
      expect(viaUser.every((k) => k.startsWith('order:') && k !== generic.examples[700]!.id)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
