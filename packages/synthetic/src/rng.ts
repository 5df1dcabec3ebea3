import { xoroshiro128plus, type RandomGenerator } from 'pure-rand';
import { fmix32, hashString } from './ids.js';

const TWO_POW_32 = 4294967296;
const GOLDEN = 0x9e3779b9;

/**
 * A small mutable random source over pure-rand's xoroshiro128+.
 *
 * pure-rand's own seeding puts a 32-bit seed almost verbatim into the state, so nearby seeds
 * start out correlated; we expand the seed through fmix32 into all four state words instead.
 * A double takes one 32-bit draw: 2^-32 resolution is far finer than any probability the
 * generator uses, and a second draw per number would cost a third of the generation time.
 */
export class Rng {
  readonly seed: number;
  readonly #gen: RandomGenerator;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    const s = this.seed;
    const state = [fmix32(s), fmix32(s + GOLDEN), fmix32(s + 2 * GOLDEN), fmix32(s + 3 * GOLDEN)].map((w) => w | 0);
    // An all-zero state would emit zeros forever.
    if (!state.some((w) => w !== 0)) state[0] = 1;
    this.#gen = xoroshiro128plus.fromState(state);
  }

  /**
   * An independent stream named by `label`. It depends only on this stream's seed and the
   * label, never on how many numbers were drawn, so adding draws in one part of the generator
   * cannot shift the output of another.
   */
  fork(label: string): Rng {
    return new Rng(hashString(label, this.seed));
  }

  /** Uniform double in [0, 1), on a grid of 2^-32. */
  uniform(): number {
    return (this.#gen.unsafeNext() >>> 0) / TWO_POW_32;
  }

  /** Uniform double in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.uniform();
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (max < min) throw new RangeError(`int(${min}, ${max}): max is below min`);
    return min + Math.floor(this.uniform() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.uniform() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.uniform() * items.length)] as T;
  }

  /** Index drawn with probability proportional to `weights` (non-negative, not all zero). */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    if (!(total > 0)) throw new RangeError('weighted pick needs a positive total weight');
    let r = this.uniform() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i] as number;
      if (r < 0) return i;
    }
    // Rounding can leave r at a hair above zero; the last positive weight takes it.
    for (let i = weights.length - 1; i >= 0; i--) if ((weights[i] as number) > 0) return i;
    return weights.length - 1;
  }

  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    if (items.length !== weights.length) throw new RangeError('weighted pick: items and weights differ in length');
    return items[this.weightedIndex(weights)] as T;
  }

  /** Standard normal by Box-Muller (no cached pair, so the stream position stays simple). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.uniform();
    const v = this.uniform();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Lognormal parameterised by its median, which is easier to reason about than mu. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Exponential with the given rate (mean 1/rate): inter-arrival times of a Poisson process. */
  exponential(rate: number): number {
    if (!(rate > 0)) throw new RangeError('exponential rate must be positive');
    return -Math.log(1 - this.uniform()) / rate;
  }

  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean < 30) {
      // Knuth: exact and fast for small means.
      const limit = Math.exp(-mean);
      let k = 0;
      let p = this.uniform();
      while (p > limit) {
        k++;
        p *= this.uniform();
      }
      return k;
    }
    return Math.max(0, Math.round(this.normal(mean, Math.sqrt(mean))));
  }

  /** Gamma(shape, 1) by Marsaglia-Tsang; shapes below 1 use the u^(1/shape) boost. */
  gamma(shape: number): number {
    if (!(shape > 0)) throw new RangeError('gamma shape must be positive');
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(1 - this.uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      const v0 = 1 + c * x;
      if (v0 <= 0) continue;
      const v = v0 * v0 * v0;
      const u = 1 - this.uniform();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  }

  /** A probability vector; small alphas give peaked (opinionated) vectors. */
  dirichlet(alphas: readonly number[]): number[] {
    const draws = alphas.map((a) => this.gamma(a));
    const total = draws.reduce((s, x) => s + x, 0);
    return total > 0 ? draws.map((x) => x / total) : alphas.map(() => 1 / alphas.length);
  }

  /** Up to `count` distinct items, each draw proportional to the remaining weights. */
  weightedSample<T>(items: readonly T[], weights: readonly number[], count: number): T[] {
    const pool = items.slice();
    const w = weights.slice();
    const out: T[] = [];
    while (out.length < count && pool.length > 0 && w.some((x) => x > 0)) {
      const k = this.weightedIndex(w);
      out.push(pool[k] as T);
      pool.splice(k, 1);
      w.splice(k, 1);
    }
    return out;
  }

  /** A new array in random order (Fisher-Yates). */
  shuffled<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** `count` distinct items (all of them when there are fewer). */
  sample<T>(items: readonly T[], count: number): T[] {
    return this.shuffled(items).slice(0, Math.max(0, count));
  }
}

export function createRng(seed: number): Rng {
  return new Rng(seed);
}

/**
 * Walker's alias table: O(1) weighted draws, for picking which of thousands of shoppers
 * places the next order without a scan per order.
 */
export class AliasTable {
  readonly #prob: Float64Array;
  readonly #alias: Uint32Array;

  constructor(weights: readonly number[]) {
    const n = weights.length;
    if (n === 0) throw new RangeError('alias table needs at least one weight');
    const total = weights.reduce((s, w) => s + w, 0);
    if (!(total > 0)) throw new RangeError('alias table needs a positive total weight');
    this.#prob = new Float64Array(n);
    this.#alias = new Uint32Array(n);
    const scaled = weights.map((w) => (w * n) / total);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
    while (small.length > 0 && large.length > 0) {
      const s = small.pop() as number;
      const l = large.pop() as number;
      this.#prob[s] = scaled[s] as number;
      this.#alias[s] = l;
      scaled[l] = (scaled[l] as number) + (scaled[s] as number) - 1;
      (scaled[l] < 1 ? small : large).push(l);
    }
    for (const i of [...small, ...large]) this.#prob[i] = 1;
  }

  get size(): number {
    return this.#prob.length;
  }

  sample(rng: Rng): number {
    const u = rng.uniform() * this.#prob.length;
    const i = Math.floor(u);
    return u - i < (this.#prob[i] as number) ? i : (this.#alias[i] as number);
  }
}
