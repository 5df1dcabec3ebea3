import { FEATURE_DIM, OrderRelations, type EntityGraph } from './features.js';

export const SAMPLER_DEFAULTS = {
  /** Second-hop neighbours (other orders) sampled per first-hop entity. */
  fanout: 8,
  /** Seed of the sampling; the same seed, graph and order always give the same neighbourhood. */
  seed: 1,
} as const;
export interface SamplerOptions {
  readonly fanout: number;
  readonly seed: number;
}

/**
 * The 2-hop neighbourhood of one order, frozen at the order's time. Row 0 of `rows` is the zero
 * "null" node that pads missing neighbours. Hop 1 is one entity per relation (`OrderRelations`),
 * hop 2 is up to `fanout` other orders of each of those entities.
 */
export interface Subgraph {
  readonly orderId: string;
  /** Raw features, row-major `[nodes, FEATURE_DIM]`. */
  readonly rows: Float32Array;
  readonly nodeKeys: readonly string[];
  /** Row of the order itself. */
  readonly self: number;
  /** `[R]` rows of the first-hop entities. */
  readonly hop1: Int32Array;
  /** `[R, fanout]` rows of the second-hop orders, 0 where fewer were available. */
  readonly hop2: Int32Array;
  readonly fanout: number;
  /**
   * First-hop neighbours per relation (`hop1` is `[R, hop1Fanout]`, `hop2` `[R, hop1Fanout, fanout]`).
   * Absent means 1: an order has exactly one entity per relation. Generic graphs sample several.
   */
  readonly hop1Fanout?: number;
  /** Columns per row of `rows`; absent means the order layout's `FEATURE_DIM`. */
  readonly dim?: number;
}

/** Dense index tensors for a batch of subgraphs sharing one feature table (row 0 = null node). */
export interface Batch {
  readonly size: number;
  readonly fanout: number;
  /** First-hop neighbours per relation (1 for orders). */
  readonly hop1Fanout: number;
  /** Relations per subgraph. */
  readonly relations: number;
  /** Columns per row. */
  readonly dim: number;
  readonly rows: Float32Array;
  readonly self: Int32Array;
  /** `[B, R, hop1Fanout]` */
  readonly hop1: Int32Array;
  /** `[B, R, hop1Fanout, fanout]` */
  readonly hop2: Int32Array;
}

/** Candidate orders of one entity, reused by every call (sampling is synchronous). */
const candidates: string[] = [];

/**
 * GraphSAGE-style fixed-fanout sampling around an order already in the graph: uniform without
 * replacement among the entity's most recent orders placed no later than this one (so a
 * re-sample later sees the same point in time), excluding the order itself.
 *
 * This runs for every order scored (about 60 rows each), so orders are looked up by the ids the
 * graph already holds (their hashes are cached) rather than by freshly built `order:` keys, and
 * candidates are shuffled in one reused array. It picks exactly what `sampleWithoutReplacement`
 * over the filtered candidates picks (tested against that plain definition).
 */
export function sampleOrder(graph: EntityGraph, orderId: string, options: Partial<SamplerOptions> = {}): Subgraph {
  const fanout = options.fanout ?? SAMPLER_DEFAULTS.fanout;
  const seed = options.seed ?? SAMPLER_DEFAULTS.seed;
  const links = graph.orderLinks(orderId);
  const atMs = graph.orderTime(orderId);
  if (!links || atMs === undefined) throw new RangeError(`order ${orderId} is not in the graph`);
  const keys: string[] = ['']; // row 0: null node
  const entityRows = new Map<string, number>();
  const orderRows = new Map<string, number>();
  // At most: the null row, the order, one entity per relation and `fanout` orders behind each.
  const table = new Float32Array((2 + OrderRelations.length * (1 + fanout)) * FEATURE_DIM);
  const orderRow = (id: string): number => {
    let r = orderRows.get(id);
    if (r === undefined) {
      r = keys.length;
      keys.push(`order:${id}`);
      orderRows.set(id, r);
      graph.writeOrderFeatures(id, table, r * FEATURE_DIM);
    }
    return r;
  };
  const self = orderRow(orderId);
  const hop1 = new Int32Array(OrderRelations.length);
  const hop2 = new Int32Array(OrderRelations.length * fanout);
  for (let r = 0; r < OrderRelations.length; r++) {
    const relation = OrderRelations[r]!;
    const entity = links[relation];
    let e = entityRows.get(entity);
    if (e === undefined) {
      e = keys.length;
      keys.push(entity);
      entityRows.set(entity, e);
      graph.writeFeatures(entity, atMs, table, e * FEATURE_DIM);
    }
    hop1[r] = e;
    candidates.length = 0;
    for (const o of graph.recentOrders(entity)) if (o !== orderId && (graph.orderTime(o) ?? Infinity) <= atMs) candidates.push(o);
    const n = candidates.length;
    if (n > fanout) shuffleHead(candidates, fanout, mulberry32(hashString(`${seed}|${orderId}|${relation}`)));
    for (let k = 0; k < Math.min(n, fanout); k++) hop2[r * fanout + k] = orderRow(candidates[k]!);
  }
  candidates.length = 0; // holds no order ids between calls
  const rows = table.slice(0, keys.length * FEATURE_DIM);
  return { orderId, rows, nodeKeys: keys, self, hop1, hop2, fanout };
}

/** Stacks subgraphs into one batch: their tables are concatenated behind a single shared null row. */
export function collate(subgraphs: readonly Subgraph[]): Batch {
  if (subgraphs.length === 0) throw new RangeError('cannot collate an empty batch');
  const first = subgraphs[0]!;
  const fanout = first.fanout;
  const hop1Fanout = first.hop1Fanout ?? 1;
  const dim = first.dim ?? FEATURE_DIM;
  const n1 = first.hop1.length; // R * hop1Fanout
  const n2 = n1 * fanout;
  let total = 1;
  for (const s of subgraphs) {
    if (s.fanout !== fanout) throw new RangeError(`mixed fanouts in one batch: ${fanout} and ${s.fanout}`);
    if ((s.hop1Fanout ?? 1) !== hop1Fanout || s.hop1.length !== n1 || (s.dim ?? FEATURE_DIM) !== dim) {
      throw new RangeError(`mixed subgraph shapes in one batch (order ${first.orderId} and ${s.orderId})`);
    }
    total += s.rows.length / dim - 1;
  }
  const rows = new Float32Array(total * dim);
  const self = new Int32Array(subgraphs.length);
  const hop1 = new Int32Array(subgraphs.length * n1);
  const hop2 = new Int32Array(subgraphs.length * n2);
  let offset = 1; // the subgraph's row i (i >= 1) lands at offset + i - 1
  subgraphs.forEach((s, b) => {
    const n = s.rows.length / dim;
    rows.set(s.rows.subarray(dim), offset * dim);
    const shift = (i: number): number => (i === 0 ? 0 : i + offset - 1);
    self[b] = shift(s.self);
    for (let i = 0; i < n1; i++) hop1[b * n1 + i] = shift(s.hop1[i]!);
    for (let i = 0; i < n2; i++) hop2[b * n2 + i] = shift(s.hop2[i]!);
    offset += n - 1;
  });
  return { size: subgraphs.length, fanout, hop1Fanout, relations: n1 / hop1Fanout, dim, rows, self, hop1, hop2 };
}

export function sampleWithoutReplacement<T>(items: readonly T[], k: number, rand: () => number): T[] {
  if (items.length <= k) return [...items];
  const pool = [...items];
  shuffleHead(pool, k, rand);
  return pool.slice(0, k);
}

/** Partial Fisher-Yates in place: afterwards `items[0..k)` is a uniform sample without replacement. */
function shuffleHead<T>(items: T[], k: number, rand: () => number): void {
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (items.length - i));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
}

/** FNV-1a: a stable 32-bit hash, so sampling depends only on seed, order and relation. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Small seeded PRNG in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
