import { createWorld } from '@commerce/synthetic';
import { EntityGraph, FEATURE_DIM, OrderRelations } from './features.js';
import { collate, hashString, mulberry32, sampleOrder, sampleWithoutReplacement, type Subgraph } from './sampler.js';

const R = OrderRelations.length;

function graphOf(count: number): { graph: EntityGraph; ids: string[] } {
  const graph = new EntityGraph();
  const ids: string[] = [];
  for (const o of createWorld({ seed: 11, shoppers: 150, fraudShare: 0.1 }).orders({ count })) {
    graph.ingest(o.event);
    ids.push(o.event.orderId);
  }
  return { graph, ids };
}

describe('sampleOrder', () => {
  const { graph, ids } = graphOf(600);

  it('has fixed shapes, a zero null row and pads missing neighbours with it', () => {
    const s = sampleOrder(graph, ids[0]!, { fanout: 5 });
    expect(s.hop1).toHaveLength(R);
    expect(s.hop2).toHaveLength(R * 5);
    expect(s.rows.length % FEATURE_DIM).toBe(0);
    expect(s.rows.subarray(0, FEATURE_DIM).every((v) => v === 0)).toBe(true);
    // The very first order has no earlier orders on any entity: every second-hop slot is padding.
    expect(Array.from(s.hop2).every((i) => i === 0)).toBe(true);
    expect(Array.from(s.hop1).every((i) => i > 0)).toBe(true);
    expect(s.nodeKeys[s.self]).toBe(`order:${ids[0]}`);
  });

  it('samples earlier orders of each entity, never the order itself, deterministically per seed', () => {
    const id = ids[599]!;
    const a = sampleOrder(graph, id, { fanout: 4, seed: 1 });
    const b = sampleOrder(graph, id, { fanout: 4, seed: 1 });
    expect(a).toEqual(b);
    const merchant = OrderRelations.indexOf('merchant');
    const picked = Array.from(a.hop2.subarray(merchant * 4, merchant * 4 + 4)).map((i) => a.nodeKeys[i]!);
    expect(picked.every((k) => k.startsWith('order:') && k !== `order:${id}`)).toBe(true);
    expect(new Set(picked).size).toBe(4); // a busy merchant fills the fanout without repeats
    const pool = graph.recentOrders(a.nodeKeys[a.hop1[merchant]!]!).map((o) => `order:${o}`);
    expect(picked.every((k) => pool.includes(k))).toBe(true);
    const other = [1, 2, 3, 4, 5].map((seed) => sampleOrder(graph, id, { fanout: 4, seed }).nodeKeys.join());
    expect(new Set(other).size).toBeGreaterThan(1);
  });

  it('picks exactly what the plain definition picks: every order, fanout and seed', () => {
    // The definition, written plainly: one row per distinct node key, uniform sampling without
    // replacement among the entity's earlier orders. The production sampler is tuned for speed.
    const plain = (id: string, fanout: number, seed: number): Subgraph => {
      const links = graph.orderLinks(id)!;
      const atMs = graph.orderTime(id)!;
      const keys = [''];
      const table: number[] = Array.from({ length: FEATURE_DIM }, () => 0);
      const row = (key: string): number => {
        if (!keys.includes(key)) {
          keys.push(key);
          table.push(...graph.features(key, atMs));
        }
        return keys.indexOf(key);
      };
      const self = row(`order:${id}`);
      const hop1 = new Int32Array(R);
      const hop2 = new Int32Array(R * fanout);
      OrderRelations.forEach((relation, r) => {
        hop1[r] = row(links[relation]);
        const earlier = graph.recentOrders(links[relation]).filter((o) => o !== id && graph.orderTime(o)! <= atMs);
        sampleWithoutReplacement(earlier, fanout, mulberry32(hashString(`${seed}|${id}|${relation}`))).forEach((o, k) => (hop2[r * fanout + k] = row(`order:${o}`)));
      });
      return { orderId: id, rows: Float32Array.from(table), nodeKeys: keys, self, hop1, hop2, fanout };
    };
    let sampled = 0;
    for (const [fanout, seed] of [[8, 1], [3, 7]] as const) {
      for (const id of ids) {
        const fast = sampleOrder(graph, id, { fanout, seed });
        expect(fast).toEqual(plain(id, fanout, seed));
        sampled += Array.from(fast.hop2).filter((i) => i > 0).length;
      }
    }
    expect(sampled).toBeGreaterThan(1000); // not vacuous: most orders have sampled neighbours
  });

  it('collates subgraphs into one table behind a shared null row', () => {
    const subs = ids.slice(100, 103).map((id) => sampleOrder(graph, id, { fanout: 3 }));
    const batch = collate(subs);
    expect(batch.size).toBe(3);
    expect(batch.hop1).toHaveLength(3 * R);
    expect(batch.hop2).toHaveLength(3 * R * 3);
    expect(batch.rows.length / FEATURE_DIM).toBe(1 + subs.reduce((n, s) => n + s.rows.length / FEATURE_DIM - 1, 0));
    const row = (i: number): number[] => Array.from(batch.rows.subarray(i * FEATURE_DIM, (i + 1) * FEATURE_DIM));
    subs.forEach((s, b) => {
      const own = (i: number): number[] => Array.from(s.rows.subarray(i * FEATURE_DIM, (i + 1) * FEATURE_DIM));
      expect(row(batch.self[b]!)).toEqual(own(s.self));
      for (let r = 0; r < R; r++) expect(row(batch.hop1[b * R + r]!)).toEqual(own(s.hop1[r]!));
      for (let k = 0; k < R * 3; k++) {
        expect(batch.hop2[b * R * 3 + k] === 0).toBe(s.hop2[k] === 0);
        expect(row(batch.hop2[b * R * 3 + k]!)).toEqual(own(s.hop2[k]!));
      }
    });
    expect(() => collate([])).toThrow(/empty batch/);
  });
});
