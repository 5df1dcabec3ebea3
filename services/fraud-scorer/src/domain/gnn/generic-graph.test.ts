import { GenericGraph, sampleNode, type GenericNode } from './generic-graph.js';
import { collate } from './sampler.js';

const node = (id: string, f: number[], over: Partial<GenericNode> = {}): GenericNode => ({ id, label: undefined, split: undefined, features: f, ...over });

describe('GenericGraph', () => {
  // u1, u2, u3 share device d1; u1 and u4 share ip i1.
  const graph = new GenericGraph(
    [node('u1', [1, 2], { nodeType: 'user', label: 1 }), node('u2', [3, 4], { nodeType: 'user', label: 0 }), node('u3', [5, 6], { nodeType: 'user' }), node('u4', [7, 8], { nodeType: 'user' }), node('d1', [0, 0], { nodeType: 'device' }), node('i1', [0, 9], { nodeType: 'ip' })],
    [
      { src: 'u1', dst: 'd1', relation: 'device' },
      { src: 'u2', dst: 'd1', relation: 'device' },
      { src: 'd1', dst: 'u3', relation: 'device' },
      { src: 'u1', dst: 'i1', relation: 'ip' },
      { src: 'u4', dst: 'i1', relation: 'ip' },
      { src: 'u4', dst: 'u4', relation: 'ip' },
    ],
    ['a', 'b'],
  );
  const idx = (id: string): number => graph.indexOf(id)!;
  const names = (xs: ArrayLike<number>): string[] => Array.from(xs, (i) => graph.ids[i]!).sort();

  it('keeps edges undirected per relation, drops self-loops and appends a one-hot per node type', () => {
    expect(graph.relations).toEqual(['device', 'ip']);
    expect(names(graph.neighbours(idx('d1'), 0))).toEqual(['u1', 'u2', 'u3']);
    expect(names(graph.neighbours(idx('u1'), 1))).toEqual(['i1']);
    expect(names(graph.neighbours(idx('u4'), 1))).toEqual(['i1']);
    expect(graph.edgeCount()).toBe(5);
    expect(graph.featureNames).toEqual(['a', 'b', 'type=device', 'type=ip', 'type=user']);
    expect(Array.from(graph.row(idx('u2')))).toEqual([3, 4, 0, 0, 1]);
  });

  it('samples 2 hops relation by relation, never the node itself, deterministically', () => {
    const s = sampleNode(graph, idx('u1'), { hop1Fanout: 2, fanout: 3 });
    expect(s.hop1).toHaveLength(2 * 2);
    expect(s.hop2).toHaveLength(2 * 2 * 3);
    const key = (i: number): string => s.nodeKeys[i]!;
    expect(key(s.self)).toBe('u1');
    expect([key(s.hop1[0]!), s.hop1[1]]).toEqual(['d1', 0]); // one device, one padded slot
    expect(Array.from(s.hop2.subarray(0, 3), key).sort()).toEqual(['', 'u2', 'u3']); // via device: the other users only, then padding
    expect(key(s.hop1[2]!)).toBe('i1');
    expect(Array.from(s.hop2.subarray(6, 9)).filter((i) => i > 0).map(key)).toEqual(['u4']);
    expect(Array.from(s.rows.subarray(s.self * 5, s.self * 5 + 5))).toEqual([1, 2, 0, 0, 1]);
    expect(sampleNode(graph, idx('u1'), { hop1Fanout: 2, fanout: 3 })).toEqual(s);
    const batch = collate([s, sampleNode(graph, idx('u2'), { hop1Fanout: 2, fanout: 3 })]);
    expect([batch.relations, batch.hop1Fanout, batch.dim, batch.hop2.length]).toEqual([2, 2, 5, 2 * 2 * 2 * 3]);
  });

  it('samples distinct neighbours of a hub without copying its whole list', () => {
    const users = Array.from({ length: 500 }, (_, i) => node(`u${i}`, [i]));
    const hub = new GenericGraph([...users, node('m', [0])], users.map((u) => ({ src: u.id, dst: 'm', relation: 'merchant' })), ['f']);
    const s = sampleNode(hub, 0, { hop1Fanout: 1, fanout: 8 });
    const picked = Array.from(s.hop2, (i) => s.nodeKeys[i]!);
    expect(new Set(picked).size).toBe(8);
    expect(picked).not.toContain('u0');
  });

  it('rejects edges to unknown nodes and duplicate ids', () => {
    expect(() => new GenericGraph([node('a', [1])], [{ src: 'a', dst: 'b', relation: 'r' }], ['f'])).toThrow(/unknown node b/);
    expect(() => new GenericGraph([node('a', [1]), node('a', [2])], [], ['f'])).toThrow(/appears twice/);
  });
});
