/** Signals learnt from all shoppers' orders: what is bought together, and what sells now. */
import { RecsDefaults } from './defaults.js';

export interface Scored {
  productId: string;
  score: number;
}

/** Highest score first; equal scores by product id, so every ranking is reproducible. */
export function byScore(a: Scored, b: Scored): number {
  return b.score - a.score || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0);
}

interface CoPurchaseJson {
  kind: 'co-purchase';
  maxNeighbours: number;
  counts: Array<[string, number]>;
  pairs: Array<[string, Array<[string, number]>]>;
}

/**
 * Item-to-item co-purchase counts with cosine normalisation: the score of j as a neighbour of i
 * is co(i, j) / sqrt(n(i) n(j)), so a best-seller that lands in every basket does not become
 * everyone's neighbour. Memory is bounded: each product keeps its strongest
 * `maxNeighbours` partners (pruned in batches, so adding stays amortised O(1) per pair).
 */
export class CoPurchaseIndex {
  readonly #maxNeighbours: number;
  readonly #counts = new Map<string, number>();
  readonly #pairs = new Map<string, Map<string, number>>();
  /** Sorted neighbour lists, valid until the next change: a campaign reads the same lists for every shopper. */
  readonly #ranked = new Map<string, Scored[]>();

  constructor(maxNeighbours: number = RecsDefaults.coPurchaseNeighbours) {
    if (!(Number.isInteger(maxNeighbours) && maxNeighbours > 0)) throw new RangeError(`maxNeighbours must be a positive integer, got ${maxNeighbours}`);
    this.#maxNeighbours = maxNeighbours;
  }

  get size(): number {
    return this.#counts.size;
  }

  /** One basket (or any group of products bought together). Duplicates within it count once. */
  add(productIds: readonly string[], weight = 1): void {
    if (!(weight > 0)) return;
    const unique = [...new Set(productIds)];
    if (this.#ranked.size > 0) this.#ranked.clear();
    for (const id of unique) this.#counts.set(id, (this.#counts.get(id) ?? 0) + weight);
    const paired = unique.length > RecsDefaults.maxBasketForPairs ? unique.slice(0, RecsDefaults.maxBasketForPairs) : unique;
    for (let i = 0; i < paired.length; i++) {
      for (let j = i + 1; j < paired.length; j++) {
        this.#bump(paired[i] as string, paired[j] as string, weight);
        this.#bump(paired[j] as string, paired[i] as string, weight);
      }
    }
  }

  /** Adds weight to one pair (both directions) without counting either product as bought again: for pairs across baskets. */
  addPair(a: string, b: string, weight = 1): void {
    if (a === b || !(weight > 0)) return;
    this.#bump(a, b, weight);
    this.#bump(b, a, weight);
  }

  /** Counts a product as bought (the cosine denominator) without pairing it with anything. */
  addCount(productId: string, weight = 1): void {
    if (this.#ranked.size > 0) this.#ranked.clear();
    if (weight > 0) this.#counts.set(productId, (this.#counts.get(productId) ?? 0) + weight);
  }

  #bump(a: string, b: string, w: number): void {
    if (this.#ranked.size > 0) this.#ranked.clear();
    let m = this.#pairs.get(a);
    if (!m) this.#pairs.set(a, (m = new Map()));
    m.set(b, (m.get(b) ?? 0) + w);
    if (m.size > this.#maxNeighbours * 2) this.#prune(a, m);
  }

  #prune(a: string, m: Map<string, number>): void {
    const kept = [...m.entries()].map(([productId, score]) => ({ productId, score })).sort(byScore).slice(0, this.#maxNeighbours);
    const next = new Map(kept.map((s) => [s.productId, s.score]));
    this.#pairs.set(a, next);
  }

  neighbours(productId: string, k: number): Scored[] {
    if (k <= 0) return [];
    const all = this.#ranked.get(productId) ?? this.#rank(productId);
    return all.length > k ? all.slice(0, k) : all.slice();
  }

  #rank(productId: string): Scored[] {
    const m = this.#pairs.get(productId);
    if (!m) return [];
    const ni = this.#counts.get(productId) ?? 0;
    const out: Scored[] = [];
    for (const [other, co] of m) {
      const nj = this.#counts.get(other) ?? 0;
      const denom = Math.sqrt(Math.max(ni, co) * Math.max(nj, co));
      out.push({ productId: other, score: denom > 0 ? co / denom : 0 });
    }
    out.sort(byScore);
    const kept = out.length > this.#maxNeighbours ? out.slice(0, this.#maxNeighbours) : out;
    this.#ranked.set(productId, kept);
    return kept;
  }

  toJSON(): CoPurchaseJson {
    return {
      kind: 'co-purchase',
      maxNeighbours: this.#maxNeighbours,
      counts: [...this.#counts.entries()],
      pairs: [...this.#pairs.entries()].map(([k, m]) => [k, [...m.entries()]]),
    };
  }

  static fromJSON(j: unknown): CoPurchaseIndex {
    const o = j as Partial<CoPurchaseJson> | null;
    if (!o || o.kind !== 'co-purchase' || !Array.isArray(o.counts) || !Array.isArray(o.pairs) || typeof o.maxNeighbours !== 'number') {
      throw new TypeError('CoPurchaseIndex.fromJSON: expected {kind: "co-purchase", maxNeighbours, counts, pairs} as written by toJSON()');
    }
    const index = new CoPurchaseIndex(o.maxNeighbours);
    for (const [id, n] of o.counts) index.#counts.set(id, n);
    for (const [id, list] of o.pairs) index.#pairs.set(id, new Map(list));
    return index;
  }
}

interface PopularityJson {
  kind: 'popularity';
  halfLifeMs: number;
  referenceMs: number | null;
  scores: Array<[string, number]>;
}

/**
 * Time-decayed purchase counts: a purchase one half-life before the latest one counts half.
 * Scores are kept relative to the latest purchase seen (not the wall clock), so replaying a
 * log gives the same result at any time, and purchases may arrive out of order.
 */
export class Popularity {
  readonly #halfLifeMs: number;
  /** Latest purchase seen: scores are as of this instant. */
  #referenceMs: number | undefined;
  /**
   * Scores are stored scaled to `#anchorMs` (a purchase at t adds 2^((t - anchor) / half-life)),
   * so a newer purchase costs O(1) instead of decaying every product; the anchor moves (one
   * rescale) only before the exponent could overflow.
   */
  #anchorMs = 0;
  readonly #stored = new Map<string, number>();
  #sorted: Scored[] | undefined;
  #snapshot: ReadonlyMap<string, number> | undefined;

  constructor(halfLifeMs: number = RecsDefaults.popularityHalfLifeMs) {
    if (!(halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be positive, got ${halfLifeMs}`);
    this.#halfLifeMs = halfLifeMs;
  }

  get size(): number {
    return this.#stored.size;
  }

  add(productId: string, at: Date, weight = 1): void {
    const t = at.getTime();
    if (!Number.isFinite(t)) throw new RangeError(`Popularity.add(${productId}): invalid date`);
    if (this.#referenceMs === undefined) this.#referenceMs = this.#anchorMs = t;
    if (t > this.#referenceMs) this.#referenceMs = t;
    let exponent = (t - this.#anchorMs) / this.#halfLifeMs;
    if (Math.abs(exponent) > 400) {
      const shift = Math.pow(2, (this.#anchorMs - t) / this.#halfLifeMs);
      for (const [id, s] of this.#stored) this.#stored.set(id, s * shift);
      this.#anchorMs = t;
      exponent = 0;
    }
    this.#stored.set(productId, (this.#stored.get(productId) ?? 0) + weight * Math.pow(2, exponent));
    this.#sorted = undefined;
    this.#snapshot = undefined;
  }

  #scale(): number {
    return this.#referenceMs === undefined ? 0 : Math.pow(2, (this.#anchorMs - this.#referenceMs) / this.#halfLifeMs);
  }

  /** Decayed purchases as of the latest purchase seen; 0 for a product never bought. */
  score(productId: string): number {
    return (this.#stored.get(productId) ?? 0) * this.#scale();
  }

  /** Every score as of the latest purchase, computed once until the next `add`: for ranking a whole catalogue per shopper. */
  snapshot(): ReadonlyMap<string, number> {
    if (!this.#snapshot) {
      const f = this.#scale();
      this.#snapshot = new Map([...this.#stored.entries()].map(([id, s]) => [id, s * f]));
    }
    return this.#snapshot;
  }

  /** The highest score, for scaling scores to [0, 1]. */
  max(): number {
    return this.#ranked()[0]?.score ?? 0;
  }

  #ranked(): Scored[] {
    if (!this.#sorted) {
      const f = this.#scale();
      this.#sorted = [...this.#stored.entries()].map(([productId, s]) => ({ productId, score: s * f })).sort(byScore);
    }
    return this.#sorted;
  }

  top(k: number): string[] {
    return this.#ranked().slice(0, Math.max(0, k)).map((s) => s.productId);
  }

  /** Like `top` with scores. */
  ranked(k: number): Scored[] {
    return this.#ranked().slice(0, Math.max(0, k));
  }

  toJSON(): PopularityJson {
    const f = this.#scale();
    return { kind: 'popularity', halfLifeMs: this.#halfLifeMs, referenceMs: this.#referenceMs ?? null, scores: [...this.#stored.entries()].map(([id, s]) => [id, s * f]) };
  }

  static fromJSON(j: unknown): Popularity {
    const o = j as Partial<PopularityJson> | null;
    if (!o || o.kind !== 'popularity' || typeof o.halfLifeMs !== 'number' || !Array.isArray(o.scores)) {
      throw new TypeError('Popularity.fromJSON: expected {kind: "popularity", halfLifeMs, referenceMs, scores} as written by toJSON()');
    }
    const p = new Popularity(o.halfLifeMs);
    // Scores are written as of the reference instant, so that instant is the anchor again.
    if (typeof o.referenceMs === 'number') p.#referenceMs = p.#anchorMs = o.referenceMs;
    for (const [id, s] of o.scores) p.#stored.set(id, s);
    return p;
  }
}
