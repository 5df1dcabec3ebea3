import type { GraphLayout } from './model.js';
import { hashString, mulberry32, sampleWithoutReplacement, type Subgraph } from './sampler.js';

/** Splits a labelled node can belong to. */
export const Splits = ['train', 'valid', 'test'] as const;
export type Split = (typeof Splits)[number];

export interface GenericNode {
  readonly id: string;
  /** 0/1, or undefined for an unlabelled node (an entity, or a transaction nobody labelled). */
  readonly label: 0 | 1 | undefined;
  readonly split: Split | undefined;
  readonly nodeType?: string;
  /** Optional segment for per-pattern reporting (e.g. the generator's fraud pattern). */
  readonly pattern?: string;
  readonly features: ArrayLike<number>;
}

export interface GenericEdge {
  readonly src: string;
  readonly dst: string;
  readonly relation: string;
}

export const GENERIC_SAMPLER_DEFAULTS = {
  /** Neighbours sampled per relation at the first hop. */
  hop1Fanout: 8,
  /** Neighbours (through the same relation) sampled per first-hop neighbour. */
  fanout: 5,
  seed: 1,
} as const;
export type GenericSamplerOptions = { -readonly [K in keyof typeof GENERIC_SAMPLER_DEFAULTS]: number };

/**
 * Any labelled graph: nodes with a feature vector (one table for every node type), typed
 * undirected edges. Adjacency is CSR per relation. With more than one node type, a one-hot
 * `type=<t>` column per type is appended to the features so one table still serves every type.
 * This is the second graph the sampler reads besides the order-event `EntityGraph`; both give
 * the model the same `Subgraph` shape, so one `FraudGnn` serves both.
 */
export class GenericGraph {
  readonly ids: readonly string[];
  readonly featureNames: readonly string[];
  readonly relations: readonly string[];
  readonly dim: number;
  /** Row-major `[nodes, dim]`. */
  readonly features: Float32Array;
  /** 1, 0 or -1 (unlabelled). */
  readonly labels: Int8Array;
  readonly splits: ReadonlyArray<Split | undefined>;
  readonly patterns: ReadonlyArray<string | undefined>;
  readonly nodeTypes: ReadonlyArray<string | undefined>;
  private readonly index: ReadonlyMap<string, number>;
  private readonly offsets: Int32Array[];
  private readonly targets: Int32Array[];

  constructor(nodes: readonly GenericNode[], edges: Iterable<GenericEdge>, featureNames: readonly string[]) {
    const index = new Map<string, number>();
    nodes.forEach((n, i) => {
      if (index.has(n.id)) throw new RangeError(`node id ${JSON.stringify(n.id)} appears twice`);
      index.set(n.id, i);
    });
    const types = [...new Set(nodes.map((n) => n.nodeType).filter((t): t is string => t !== undefined && t !== ''))].sort();
    const typeCols = types.length > 1 ? types : [];
    this.featureNames = [...featureNames, ...typeCols.map((t) => `type=${t}`)];
    this.dim = this.featureNames.length;
    if (this.dim === 0) throw new RangeError('a graph needs at least one feature column (or several node types)');
    this.features = new Float32Array(nodes.length * this.dim);
    nodes.forEach((n, i) => {
      if (n.features.length !== featureNames.length) throw new RangeError(`node ${n.id} has ${n.features.length} features, expected ${featureNames.length}`);
      for (let j = 0; j < n.features.length; j++) this.features[i * this.dim + j] = n.features[j]!;
      const t = n.nodeType === undefined ? -1 : typeCols.indexOf(n.nodeType);
      if (t >= 0) this.features[i * this.dim + featureNames.length + t] = 1;
    });
    this.ids = nodes.map((n) => n.id);
    this.labels = Int8Array.from(nodes, (n) => (n.label === undefined ? -1 : n.label));
    this.splits = nodes.map((n) => n.split);
    this.patterns = nodes.map((n) => n.pattern);
    this.nodeTypes = nodes.map((n) => n.nodeType);
    this.index = index;

    // CSR per relation, both directions, self-loops dropped.
    const relationOf = new Map<string, number>();
    const pairs: number[][] = [];
    for (const e of edges) {
      const s = index.get(e.src);
      const d = index.get(e.dst);
      if (s === undefined || d === undefined) throw new RangeError(`edge ${e.src} -> ${e.dst} names an unknown node ${s === undefined ? e.src : e.dst}`);
      if (s === d) continue;
      let r = relationOf.get(e.relation);
      if (r === undefined) {
        r = relationOf.size;
        relationOf.set(e.relation, r);
        pairs.push([]);
      }
      pairs[r]!.push(s, d);
    }
    if (relationOf.size === 0) throw new RangeError('a graph needs at least one edge');
    this.relations = [...relationOf.keys()];
    this.offsets = [];
    this.targets = [];
    for (const list of pairs) {
      const degree = new Int32Array(nodes.length + 1);
      for (let i = 0; i < list.length; i += 2) {
        degree[list[i]! + 1]!++;
        degree[list[i + 1]! + 1]!++;
      }
      for (let i = 1; i <= nodes.length; i++) degree[i]! += degree[i - 1]!;
      const fill = degree.slice(0, nodes.length);
      const targets = new Int32Array(list.length);
      for (let i = 0; i < list.length; i += 2) {
        const [a, b] = [list[i]!, list[i + 1]!];
        targets[fill[a]!++] = b;
        targets[fill[b]!++] = a;
      }
      this.offsets.push(degree);
      this.targets.push(targets);
    }
  }

  get size(): number {
    return this.ids.length;
  }

  get layout(): GraphLayout {
    return { features: this.featureNames, relations: this.relations };
  }

  indexOf(id: string): number | undefined {
    return this.index.get(id);
  }

  neighbours(node: number, relation: number): Int32Array {
    return this.targets[relation]!.subarray(this.offsets[relation]![node]!, this.offsets[relation]![node + 1]!);
  }

  edgeCount(): number {
    return this.targets.reduce((n, t) => n + t.length / 2, 0);
  }

  row(node: number): Float32Array {
    return this.features.subarray(node * this.dim, (node + 1) * this.dim);
  }
}

/**
 * 2-hop fixed-fanout neighbourhood of a node, relation by relation: up to `hop1Fanout`
 * neighbours through relation r, then up to `fanout` neighbours of each through the same relation
 * (so user -> shared device -> other users, review -> same product -> other reviews), excluding the
 * node itself. Seeded by (seed, node, relation): the same call always gives the same subgraph.
 */
export function sampleNode(graph: GenericGraph, node: number, options: Partial<GenericSamplerOptions> = {}): Subgraph {
  const { hop1Fanout, fanout, seed } = { ...GENERIC_SAMPLER_DEFAULTS, ...options };
  const R = graph.relations.length;
  const dim = graph.dim;
  const keys: string[] = [''];
  const rowOf = new Map<number, number>();
  const rowsList: number[] = [];
  const row = (n: number): number => {
    let r = rowOf.get(n);
    if (r === undefined) {
      r = keys.length;
      keys.push(graph.ids[n]!);
      rowOf.set(n, r);
      rowsList.push(n);
    }
    return r;
  };
  const self = row(node);
  const hop1 = new Int32Array(R * hop1Fanout);
  const hop2 = new Int32Array(R * hop1Fanout * fanout);
  for (let r = 0; r < R; r++) {
    const rand = mulberry32(hashString(`${seed}|${graph.ids[node]}|${r}`));
    const first = sampleFrom(graph.neighbours(node, r), hop1Fanout, rand, -1);
    first.forEach((u, k) => {
      hop1[r * hop1Fanout + k] = row(u);
      const second = sampleFrom(graph.neighbours(u, r), fanout, rand, node);
      second.forEach((w, j) => {
        hop2[(r * hop1Fanout + k) * fanout + j] = row(w);
      });
    });
  }
  const rows = new Float32Array(keys.length * dim);
  rowsList.forEach((n, i) => rows.set(graph.row(n), (i + 1) * dim));
  return { orderId: graph.ids[node]!, rows, nodeKeys: keys, self, hop1, hop2, fanout, hop1Fanout, dim };
}

/**
 * k distinct entries of `pool` other than `exclude`, uniformly. Hubs (a merchant with 100k
 * orders) are sampled by rejection instead of copied, so a hub costs O(k), not O(degree).
 */
function sampleFrom(pool: Int32Array, k: number, rand: () => number, exclude: number): number[] {
  if (pool.length <= 4 * k + 1) return sampleWithoutReplacement(Array.from(pool).filter((w) => w !== exclude), k, rand);
  const picked = new Set<number>();
  const out: number[] = [];
  for (let attempts = 0; out.length < k && attempts < 20 * k; attempts++) {
    const i = Math.floor(rand() * pool.length);
    const w = pool[i]!;
    if (w === exclude || picked.has(i)) continue;
    picked.add(i);
    out.push(w);
  }
  return out;
}
