import { sigmoid } from '../domain/gnn/model.js';

/**
 * Feature-only baselines: they see exactly the target's own feature row the GNN sees as `x_self`,
 * and nothing of its neighbourhood. Both weigh classes balanced, as the GNN does.
 */
export const BaselineKinds = { Gbt: 'gbt', LogReg: 'logreg' } as const;
export type BaselineKind = (typeof BaselineKinds)[keyof typeof BaselineKinds];

export interface FeatureModel {
  readonly kind: BaselineKind;
  /** Scores in [0, 1], higher is more likely fraud (ranked, not calibrated). */
  predict(rows: readonly Float32Array[]): Float32Array;
}

export const GBT_DEFAULTS = {
  rounds: 300,
  learningRate: 0.1,
  maxDepth: 4,
  bins: 32,
  /** L2 on leaf values. */
  lambda: 1,
  /** Minimum summed hessian in a child. */
  minChildWeight: 1,
  /** Stop when validation log-loss has not improved for this many rounds (keeps the best round). */
  patience: 30,
} as const;
export type GbtOptions = { -readonly [K in keyof typeof GBT_DEFAULTS]: number };

interface Tree {
  readonly feature: Int32Array; // -1 for a leaf
  readonly threshold: Float32Array; // go left when x <= threshold
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float32Array;
}

function classWeights(labels: ArrayLike<number>): { pos: number; neg: number } {
  let nPos = 0;
  for (let i = 0; i < labels.length; i++) nPos += labels[i]!;
  if (nPos === 0 || nPos === labels.length) throw new RangeError(`a baseline needs both classes; got ${nPos} fraud of ${labels.length}`);
  return { pos: (labels.length - nPos) / nPos, neg: 1 };
}

/**
 * Gradient-boosted trees on logistic loss with histogram splits (XGBoost-style gain with L2), the
 * usual strong tabular baseline. Early-stops on validation log-loss.
 */
export function trainGbt(
  rows: readonly Float32Array[],
  labels: ArrayLike<number>,
  valid: { rows: readonly Float32Array[]; labels: ArrayLike<number> },
  options: Partial<GbtOptions> = {},
): FeatureModel & { rounds: number } {
  const o = { ...GBT_DEFAULTS, ...options };
  const n = rows.length;
  const d = rows[0]!.length;
  const cw = classWeights(labels);
  const w = Float32Array.from({ length: n }, (_, i) => (labels[i] === 1 ? cw.pos : cw.neg));

  // Quantile bin edges per feature, from the training rows.
  const edges: Float32Array[] = [];
  const binned = new Uint8Array(n * d);
  for (let j = 0; j < d; j++) {
    const values = Float32Array.from(rows, (r) => r[j]!).sort();
    const e: number[] = [];
    for (let b = 1; b < o.bins; b++) {
      const v = values[Math.min(n - 1, Math.floor((b * n) / o.bins))]!;
      if (e.length === 0 || v > e.at(-1)!) e.push(v);
    }
    edges.push(Float32Array.from(e));
    for (let i = 0; i < n; i++) binned[i * d + j] = binOf(rows[i]![j]!, edges[j]!);
  }

  const F = new Float64Array(n);
  const Fv = new Float64Array(valid.rows.length);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const trees: Tree[] = [];
  let best = { loss: Infinity, rounds: 0 };
  for (let round = 0; round < o.rounds; round++) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(F[i]!);
      g[i] = w[i]! * (p - labels[i]!);
      h[i] = w[i]! * Math.max(p * (1 - p), 1e-12);
    }
    const tree = growTree(binned, edges, d, g, h, Int32Array.from({ length: n }, (_, i) => i), o);
    trees.push(tree);
    for (let i = 0; i < n; i++) F[i]! += evalTree(tree, rows[i]!);
    let loss = 0;
    for (let i = 0; i < valid.rows.length; i++) {
      Fv[i]! += evalTree(tree, valid.rows[i]!);
      const z = Fv[i]!;
      const y = valid.labels[i]!;
      loss += (y === 1 ? cw.pos : cw.neg) * (Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z))));
    }
    if (loss < best.loss - 1e-9) best = { loss, rounds: round + 1 };
    else if (round + 1 - best.rounds >= o.patience) break;
  }
  const kept = trees.slice(0, Math.max(1, best.rounds));
  return {
    kind: 'gbt',
    rounds: kept.length,
    predict(x) {
      return Float32Array.from(x, (r) => {
        let z = 0;
        for (const t of kept) z += evalTree(t, r);
        return sigmoid(z);
      });
    },
  };
}

function binOf(x: number, e: Float32Array): number {
  let lo = 0;
  let hi = e.length; // first index with x <= e[i], else e.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x <= e[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function growTree(binned: Uint8Array, edges: readonly Float32Array[], d: number, g: Float64Array, h: Float64Array, all: Int32Array, o: GbtOptions): Tree {
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const nodeOf = (): number => {
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    value.push(0);
    return feature.length - 1;
  };
  const grow = (idx: Int32Array, depth: number): number => {
    const node = nodeOf();
    let G = 0;
    let H = 0;
    for (const i of idx) {
      G += g[i]!;
      H += h[i]!;
    }
    value[node] = (-G / (H + o.lambda)) * o.learningRate;
    if (depth >= o.maxDepth || idx.length < 2) return node;
    const parent = (G * G) / (H + o.lambda);
    let bestGain = 1e-9;
    let bestF = -1;
    let bestB = -1;
    const hg = new Float64Array(o.bins + 1);
    const hh = new Float64Array(o.bins + 1);
    for (let j = 0; j < d; j++) {
      const nb = edges[j]!.length;
      if (nb === 0) continue;
      hg.fill(0);
      hh.fill(0);
      for (const i of idx) {
        const b = binned[i * d + j]!;
        hg[b]! += g[i]!;
        hh[b]! += h[i]!;
      }
      let GL = 0;
      let HL = 0;
      for (let b = 0; b < nb; b++) {
        GL += hg[b]!;
        HL += hh[b]!;
        const GR = G - GL;
        const HR = H - HL;
        if (HL < o.minChildWeight || HR < o.minChildWeight) continue;
        const gain = (GL * GL) / (HL + o.lambda) + (GR * GR) / (HR + o.lambda) - parent;
        if (gain > bestGain) {
          bestGain = gain;
          bestF = j;
          bestB = b;
        }
      }
    }
    if (bestF < 0) return node;
    const l: number[] = [];
    const r: number[] = [];
    for (const i of idx) (binned[i * d + bestF]! <= bestB ? l : r).push(i);
    feature[node] = bestF;
    threshold[node] = edges[bestF]![bestB]!;
    const ln = grow(Int32Array.from(l), depth + 1);
    const rn = grow(Int32Array.from(r), depth + 1);
    left[node] = ln;
    right[node] = rn;
    return node;
  };
  grow(all, 0);
  return { feature: Int32Array.from(feature), threshold: Float32Array.from(threshold), left: Int32Array.from(left), right: Int32Array.from(right), value: Float32Array.from(value) };
}

function evalTree(t: Tree, x: Float32Array): number {
  let node = 0;
  while (t.feature[node]! >= 0) node = x[t.feature[node]!]! <= t.threshold[node]! ? t.left[node]! : t.right[node]!;
  return t.value[node]!;
}

/** L2-regularised logistic regression on standardised features, full-batch Adam. */
export function trainLogReg(rows: readonly Float32Array[], labels: ArrayLike<number>, options: { iterations?: number; l2?: number } = {}): FeatureModel {
  const iterations = options.iterations ?? 400;
  const l2 = options.l2 ?? 1e-3;
  const n = rows.length;
  const d = rows[0]!.length;
  const cw = classWeights(labels);
  const mu = new Float64Array(d);
  const sd = new Float64Array(d);
  for (const r of rows) for (let j = 0; j < d; j++) mu[j]! += r[j]! / n;
  for (const r of rows) for (let j = 0; j < d; j++) sd[j]! += (r[j]! - mu[j]!) ** 2 / n;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]!) || 1;
  const z = (r: Float32Array, j: number): number => (r[j]! - mu[j]!) / sd[j]!;
  const wts = new Float64Array(d + 1);
  const m = new Float64Array(d + 1);
  const v = new Float64Array(d + 1);
  const grad = new Float64Array(d + 1);
  let totalW = 0;
  for (let i = 0; i < n; i++) totalW += labels[i] === 1 ? cw.pos : cw.neg;
  for (let t = 1; t <= iterations; t++) {
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      let s = wts[d]!;
      for (let j = 0; j < d; j++) s += wts[j]! * z(r, j);
      const e = ((labels[i] === 1 ? cw.pos : cw.neg) * (sigmoid(s) - labels[i]!)) / totalW;
      for (let j = 0; j < d; j++) grad[j]! += e * z(r, j);
      grad[d]! += e;
    }
    for (let j = 0; j < d; j++) grad[j]! += l2 * wts[j]!;
    for (let j = 0; j <= d; j++) {
      m[j] = 0.9 * m[j]! + 0.1 * grad[j]!;
      v[j] = 0.999 * v[j]! + 0.001 * grad[j]! ** 2;
      wts[j]! -= (0.05 * (m[j]! / (1 - 0.9 ** t))) / (Math.sqrt(v[j]! / (1 - 0.999 ** t)) + 1e-8);
    }
  }
  return {
    kind: 'logreg',
    predict(x) {
      return Float32Array.from(x, (r) => {
        let s = wts[d]!;
        for (let j = 0; j < d; j++) s += wts[j]! * z(r, j);
        return sigmoid(s);
      });
    },
  };
}
