import * as tf from '@tensorflow/tfjs';
import { FEATURES, Normaliser, OrderRelations, type EntityGraph, type NormaliserJson } from './features.js';
import { collate, hashString, mulberry32, sampleOrder, type Batch, type Subgraph } from './sampler.js';
import { prAuc, rocAuc } from './metrics.js';

export const MODEL_DEFAULTS = {
  /** Width of both message-passing layers. */
  hidden: 32,
  /** Second-hop fanout the model is trained for; subgraphs must be sampled with it. */
  fanout: 8,
  /** false: the same network sees only the order's own features (the feature-only baseline). */
  graph: true,
  seed: 7,
  /** First-hop neighbours per relation: 1 for orders (one entity each); generic graphs sample several. */
  hop1Fanout: 1,
} as const;
export interface ModelConfig {
  readonly hidden: number;
  readonly fanout: number;
  readonly graph: boolean;
  readonly seed: number;
  readonly hop1Fanout: number;
}

/**
 * Names of the feature columns and relations a model is built for. The default is the order-event
 * layout (`FEATURES`, `OrderRelations`); a generic dataset brings its own columns and relations.
 */
export interface GraphLayout {
  readonly features: readonly string[];
  readonly relations: readonly string[];
}
export const ORDER_LAYOUT: GraphLayout = { features: FEATURES, relations: OrderRelations };

export const TRAIN_DEFAULTS = {
  epochs: 8,
  batchSize: 256,
  learningRate: 0.005,
  /**
   * Positives weigh (negatives / positives) ^ this. 1 is fully balanced; less keeps probabilities
   * nearer the base rate. Calibration fixes the scale afterwards either way.
   */
  classWeightPower: 1,
  /** Keep the weights of the epoch with the best validation ROC AUC (ties: best PR AUC, then the later epoch). */
  keepBest: true,
} as const;
export type TrainOptions = { -readonly [K in keyof typeof TRAIN_DEFAULTS]: (typeof TRAIN_DEFAULTS)[K] extends boolean ? boolean : number };

export interface Example {
  readonly subgraph: Subgraph;
  readonly label: 0 | 1;
}

export interface EpochStats {
  readonly epoch: number;
  readonly loss: number;
  readonly validationRocAuc: number;
  readonly validationPrAuc: number;
}

/** Progress callbacks for a training run (progress bars, logs); none is required. */
export interface TrainHooks {
  /** After each mini-batch: examples done in this epoch, of `total`. */
  onBatch?(epoch: number, done: number, total: number, loss: number): void;
  onEpoch?(stats: EpochStats): void;
}

export interface TrainResult {
  readonly epochs: readonly EpochStats[];
  readonly bestEpoch: number;
  readonly positiveWeight: number;
  readonly calibration: PlattCalibration;
  readonly trainMs: number;
}

/** p = sigmoid(a * logit + b), fitted on held-out data. */
export interface PlattCalibration {
  readonly a: number;
  readonly b: number;
}

export interface Prediction {
  /** Calibrated probabilities of fraud. */
  readonly probabilities: Float32Array;
  /** The network's own sigmoid output (scaled by the class weighting, so not a probability). */
  readonly raw: Float32Array;
}

export const ARTIFACT_FORMAT = 'fraud-gnn/1';
/** Everything needed to score: plain JSON, so any blob store can hold it. */
export interface ModelArtifact {
  readonly format: typeof ARTIFACT_FORMAT;
  readonly config: ModelConfig;
  readonly features: readonly string[];
  readonly relations: readonly string[];
  /** Little-endian float32, base64, per weight name. */
  readonly weights: Readonly<Record<string, { readonly shape: number[]; readonly data: string }>>;
  readonly normaliser: NormaliserJson;
  readonly calibration: PlattCalibration;
}


/**
 * Relation-aware GraphSAGE over sampled order neighbourhoods, in plain TF.js ops (dense `gather`
 * and masked mean/max; no segment sums, see ENVIRONMENT.md).
 *
 * Layer 1, for each first-hop entity of relation r: h_e = relu([x_e, mean(x_hop2), max(x_hop2)] W1_r),
 * with its own weights per relation; for the order: h_o = relu([x_o, x_e1..x_eR] W1_o).
 * Layer 2: h = relu([h_o, h_e1..h_eR] W2); output sigmoid(h w + b), then Platt calibration.
 */
export class FraudGnn {
  readonly config: ModelConfig;
  readonly layout: GraphLayout;
  private readonly weights: Map<string, tf.Variable>;
  private normaliser: Normaliser | undefined;
  private calibration: PlattCalibration = { a: 1, b: 0 };

  /** `layout` defaults to the order-event graph; pass a generic dataset's columns and relations to train on it. */
  constructor(config: Partial<ModelConfig> = {}, layout: GraphLayout = ORDER_LAYOUT) {
    this.config = { ...MODEL_DEFAULTS, ...config };
    this.layout = { features: [...layout.features], relations: [...layout.relations] };
    const H = this.config.hidden;
    const D = this.layout.features.length;
    const R = this.layout.relations.length;
    const rand = mulberry32(hashString(`weights|${this.config.seed}`));
    const shapes: Record<string, number[]> = {
      w1e: [R, 3 * D, H],
      b1e: [R, 1, H],
      w1o: [D + R * D, H],
      b1o: [H],
      w2: [H + R * H, H],
      b2: [H],
      wOut: [H, 1],
      bOut: [1],
    };
    this.weights = new Map(
      Object.entries(shapes).map(([name, shape]) => [name, tf.variable(name.startsWith('b') ? tf.zeros(shape) : glorot(shape, rand), true, `${name}_${nextId++}`)]),
    );
  }

  /** Weight tensors, for leak checks and tests. */
  get variableCount(): number {
    return this.weights.size;
  }

  dispose(): void {
    for (const v of this.weights.values()) v.dispose();
  }

  private w(name: string): tf.Variable {
    return this.weights.get(name)!;
  }

  /** Calibrated probability = sigmoid(a * logit + b). */
  get plattCalibration(): PlattCalibration {
    return { ...this.calibration };
  }

  /**
   * Logits `[B]` for a batch whose rows are already normalised. The first hop has K1 slots per
   * relation (1 for orders); entity embeddings and raw features are masked means over them, which
   * for K1 = 1 is exactly the entity itself.
   */
  private logits(x: tf.Tensor2D, selfIdx: tf.Tensor1D, hop1Idx: tf.Tensor1D, hop2Idx: tf.Tensor1D, batch: number): tf.Tensor1D {
    const H = this.config.hidden;
    const F = this.config.fanout;
    const K = this.config.hop1Fanout;
    const D = this.layout.features.length;
    const R = this.layout.relations.length;
    const xSelf = tf.gather(x, selfIdx); // [B, D]
    if (!this.config.graph) {
      const h1 = tf.relu(tf.add(tf.matMul(xSelf, tf.slice(this.w('w1o'), [0, 0], [D, H])), this.w('b1o')));
      const h2 = tf.relu(tf.add(tf.matMul(h1, tf.slice(this.w('w2'), [0, 0], [H, H])), this.w('b2')));
      return tf.reshape(tf.add(tf.matMul(h2, this.w('wOut')), this.w('bOut')), [batch]);
    }
    const xH1 = tf.reshape(tf.gather(x, hop1Idx), [batch, R, K, D]);
    const mask1 = tf.reshape(tf.cast(tf.greater(hop1Idx, 0), 'float32'), [batch, R, K, 1]);
    const count1 = tf.maximum(tf.sum(mask1, 2), 1); // [B, R, 1]
    const xH2 = tf.reshape(tf.gather(x, hop2Idx), [batch, R, K, F, D]);
    const mask2 = tf.reshape(tf.cast(tf.greater(hop2Idx, 0), 'float32'), [batch, R, K, F, 1]);
    const count = tf.sum(mask2, 3); // [B, R, K, 1]
    const mean2 = tf.div(tf.sum(tf.mul(xH2, mask2), 3), tf.maximum(count, 1));
    // Padding must never win the max: push it far down, then zero entities with no neighbours at all.
    const max2 = tf.mul(tf.max(tf.add(xH2, tf.mul(tf.sub(mask2, 1), 1e4)), 3), tf.cast(tf.greater(count, 0), 'float32'));
    const entityIn = tf.reshape(tf.transpose(tf.concat([xH1, mean2, max2], 3), [1, 0, 2, 3]), [R, batch * K, 3 * D]);
    const hSlots = tf.transpose(tf.reshape(tf.relu(tf.add(tf.matMul(entityIn, this.w('w1e')), this.w('b1e'))), [R, batch, K, H]), [1, 0, 2, 3]);
    const hEntity = tf.div(tf.sum(tf.mul(hSlots, mask1), 2), count1); // [B, R, H]
    const xEntity = tf.div(tf.sum(tf.mul(xH1, mask1), 2), count1); // [B, R, D]
    const hOrder = tf.relu(tf.add(tf.matMul(tf.concat([xSelf, tf.reshape(xEntity, [batch, R * D])], 1), this.w('w1o')), this.w('b1o')));
    const h2 = tf.relu(tf.add(tf.matMul(tf.concat([hOrder, tf.reshape(hEntity, [batch, R * H])], 1), this.w('w2')), this.w('b2')));
    return tf.reshape(tf.add(tf.matMul(h2, this.w('wOut')), this.w('bOut')), [batch]);
  }

  private inputs(batch: Batch): { x: tf.Tensor2D; self: tf.Tensor1D; hop1: tf.Tensor1D; hop2: tf.Tensor1D } {
    if (batch.fanout !== this.config.fanout) throw new RangeError(`batch sampled with fanout ${batch.fanout}, model expects ${this.config.fanout}`);
    if (batch.hop1Fanout !== this.config.hop1Fanout) throw new RangeError(`batch sampled with first-hop fanout ${batch.hop1Fanout}, model expects ${this.config.hop1Fanout}`);
    const D = this.layout.features.length;
    if (batch.dim !== D || batch.relations !== this.layout.relations.length) {
      throw new RangeError(`batch has ${batch.dim} features and ${batch.relations} relations, model expects ${D} and ${this.layout.relations.length}`);
    }
    const normaliser = this.normaliser;
    if (!normaliser) throw new Error('the model has no feature normaliser: train it or load an artifact first');
    const rows = normaliser.applyInPlace(batch.rows.slice());
    return {
      x: tf.tensor2d(rows, [rows.length / D, D]),
      self: tf.tensor1d(batch.self, 'int32'),
      hop1: tf.tensor1d(batch.hop1, 'int32'),
      hop2: tf.tensor1d(batch.hop2, 'int32'),
    };
  }

  /** Raw logits for subgraphs, in order. */
  async rawLogits(subgraphs: readonly Subgraph[]): Promise<Float32Array> {
    const batch = collate(subgraphs);
    const out = tf.tidy(() => {
      const i = this.inputs(batch);
      return this.logits(i.x, i.self, i.hop1, i.hop2, batch.size);
    });
    try {
      return (await out.data()) as Float32Array;
    } finally {
      out.dispose();
    }
  }

  async predict(subgraphs: readonly Subgraph[]): Promise<Prediction> {
    const logits = await this.rawLogits(subgraphs);
    const { a, b } = this.calibration;
    return {
      probabilities: logits.map((z) => sigmoid(a * z + b)),
      raw: logits.map((z) => sigmoid(z)),
    };
  }

  /**
   * Mini-batch Adam on class-weighted cross-entropy, then Platt calibration on `validation`
   * (which the weights never trained on). The normaliser is fitted on the training rows.
   */
  async train(train: readonly Example[], validation: readonly Example[], options: Partial<TrainOptions> = {}, hooks: TrainHooks = {}): Promise<TrainResult> {
    const opts: TrainOptions = { ...TRAIN_DEFAULTS, ...options };
    const started = performance.now();
    const nPos = train.filter((e) => e.label === 1).length;
    if (nPos === 0 || nPos === train.length) throw new RangeError(`training needs both classes; got ${nPos} fraud of ${train.length}`);
    if (!validation.some((e) => e.label === 1) || validation.every((e) => e.label === 1)) throw new RangeError('validation needs both classes');
    const D = this.layout.features.length;
    this.normaliser = Normaliser.fit(nonNullRows(train.map((e) => e.subgraph), D), D);
    const positiveWeight = ((train.length - nPos) / nPos) ** opts.classWeightPower;

    const optimizer = tf.train.adam(opts.learningRate);
    const rand = mulberry32(hashString(`shuffle|${this.config.seed}`));
    const order = train.map((_, i) => i);
    const epochs: EpochStats[] = [];
    let best = { auc: -Infinity, pr: -Infinity, epoch: 0, values: this.snapshot() };
    try {
      for (let epoch = 1; epoch <= opts.epochs; epoch++) {
        shuffle(order, rand);
        let lossSum = 0;
        let seen = 0;
        for (let start = 0; start < order.length; start += opts.batchSize) {
          const chunk = order.slice(start, start + opts.batchSize).map((i) => train[i]!);
          const batch = collate(chunk.map((e) => e.subgraph));
          const labels = Float32Array.from(chunk, (e) => e.label);
          const weights = Float32Array.from(chunk, (e) => (e.label === 1 ? positiveWeight : 1));
          const loss = optimizer.minimize(() => {
            const i = this.inputs(batch);
            const z = this.logits(i.x, i.self, i.hop1, i.hop2, batch.size);
            return tf.losses.sigmoidCrossEntropy(tf.tensor1d(labels), z, tf.tensor1d(weights), 0, tf.Reduction.SUM_BY_NONZERO_WEIGHTS);
          }, true);
          const batchLoss = (await loss!.data())[0]!;
          lossSum += batchLoss * chunk.length;
          seen += chunk.length;
          loss!.dispose();
          hooks.onBatch?.(epoch, seen, order.length, batchLoss);
        }
        const valLogits = await this.rawLogitsChunked(validation.map((e) => e.subgraph));
        const valLabels = validation.map((e) => e.label);
        const auc = rocAuc(valLogits, valLabels);
        const stats = { epoch, loss: lossSum / seen, validationRocAuc: auc, validationPrAuc: prAuc(valLogits, valLabels) };
        epochs.push(stats);
        hooks.onEpoch?.(stats);
        // Ties (a small validation split often sits at AUC 1) go to the later epoch, whose loss is lower.
        if (auc > best.auc || (auc === best.auc && stats.validationPrAuc >= best.pr)) best = { auc, pr: stats.validationPrAuc, epoch, values: this.snapshot() };
      }
    } finally {
      optimizer.dispose();
    }
    if (opts.keepBest) this.restore(best.values);
    const valLogits = await this.rawLogitsChunked(validation.map((e) => e.subgraph));
    this.calibration = fitPlatt(valLogits, validation.map((e) => e.label));
    return { epochs, bestEpoch: opts.keepBest ? best.epoch : opts.epochs, positiveWeight, calibration: this.calibration, trainMs: performance.now() - started };
  }

  /** Predicts in bounded chunks so evaluation over many examples keeps memory flat. */
  async rawLogitsChunked(subgraphs: readonly Subgraph[], chunk = 1024): Promise<Float32Array> {
    const out = new Float32Array(subgraphs.length);
    for (let s = 0; s < subgraphs.length; s += chunk) out.set(await this.rawLogits(subgraphs.slice(s, s + chunk)), s);
    return out;
  }

  async predictChunked(subgraphs: readonly Subgraph[], chunk = 1024): Promise<Prediction> {
    const probabilities = new Float32Array(subgraphs.length);
    const raw = new Float32Array(subgraphs.length);
    for (let s = 0; s < subgraphs.length; s += chunk) {
      const p = await this.predict(subgraphs.slice(s, s + chunk));
      probabilities.set(p.probabilities, s);
      raw.set(p.raw, s);
    }
    return { probabilities, raw };
  }

  /**
   * Scores orders already ingested into `graph`, in order: samples each one's neighbourhood frozen
   * at its own time with the fanout the model was trained for, then predicts in one batch.
   */
  async scoreOrders(graph: EntityGraph, orderIds: readonly string[], samplerSeed?: number): Promise<Prediction> {
    if (this.layout.features.join() !== FEATURES.join() || this.layout.relations.join() !== OrderRelations.join()) {
      throw new RangeError('this model was trained on a generic graph layout, not on orders');
    }
    const options = { fanout: this.config.fanout, ...(samplerSeed === undefined ? {} : { seed: samplerSeed }) };
    return this.predict(orderIds.map((id) => sampleOrder(graph, id, options)));
  }

  toArtifact(): ModelArtifact {
    if (!this.normaliser) throw new Error('an untrained model has no artifact');
    const weights: Record<string, { shape: number[]; data: string }> = {};
    for (const [name, v] of this.weights) {
      const data = v.dataSync() as Float32Array;
      weights[name] = { shape: [...v.shape], data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') };
    }
    return {
      format: ARTIFACT_FORMAT,
      config: this.config,
      features: [...this.layout.features],
      relations: [...this.layout.relations],
      weights,
      normaliser: this.normaliser.toJSON(),
      calibration: this.calibration,
    };
  }

  /**
   * Rebuilds a model from its artifact. `expected` is the layout the caller will feed it: the
   * order-event layout by default (what the online scorer builds); `null` accepts the artifact's
   * own layout (evaluating a model trained on a generic dataset).
   */
  static fromArtifact(artifact: ModelArtifact, expected: GraphLayout | null = ORDER_LAYOUT): FraudGnn {
    if (artifact.format !== ARTIFACT_FORMAT) throw new RangeError(`unsupported model artifact format ${String(artifact.format)}; expected ${ARTIFACT_FORMAT}`);
    if (expected && artifact.features.join() !== expected.features.join()) throw new RangeError('the artifact was trained on a different feature layout');
    if (expected && artifact.relations.join() !== expected.relations.join()) throw new RangeError('the artifact was trained on different relations');
    // Artifacts written before hop1Fanout existed were order models: one entity per relation.
    const model = new FraudGnn({ ...artifact.config, hop1Fanout: artifact.config.hop1Fanout ?? 1 }, { features: artifact.features, relations: artifact.relations });
    for (const [name, v] of model.weights) {
      const w = artifact.weights[name];
      if (!w || w.shape.join() !== v.shape.join()) {
        model.dispose();
        throw new RangeError(`artifact weight ${name} is missing or has the wrong shape`);
      }
      const bytes = Buffer.from(w.data, 'base64');
      const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      tf.tidy(() => v.assign(tf.tensor(values, w.shape)));
    }
    model.normaliser = Normaliser.fromJSON(artifact.normaliser);
    model.calibration = { ...artifact.calibration };
    return model;
  }

  private snapshot(): Map<string, Float32Array> {
    return new Map([...this.weights].map(([n, v]) => [n, (v.dataSync() as Float32Array).slice()]));
  }

  private restore(values: Map<string, Float32Array>): void {
    for (const [n, v] of this.weights) tf.tidy(() => v.assign(tf.tensor(values.get(n)!, v.shape)));
  }
}

let nextId = 0;

function glorot(shape: number[], rand: () => number): tf.Tensor {
  const fanIn = shape[shape.length - 2] ?? 1;
  const fanOut = shape[shape.length - 1] ?? 1;
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => (rand() * 2 - 1) * limit), shape);
}

function nonNullRows(subgraphs: readonly Subgraph[], D: number): Float32Array {
  let n = 0;
  for (const s of subgraphs) n += s.rows.length - D;
  const out = new Float32Array(n);
  let o = 0;
  for (const s of subgraphs) {
    out.set(s.rows.subarray(D), o);
    o += s.rows.length - D;
  }
  return out;
}

function shuffle(xs: number[], rand: () => number): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/**
 * Platt scaling: Newton's method with a backtracking line search on the log-loss against Platt's
 * smoothed targets, so a separable held-out set gives a steep but finite slope instead of diverging.
 */
export function fitPlatt(logits: ArrayLike<number>, labels: ArrayLike<number>): PlattCalibration {
  let nPos = 0;
  for (let i = 0; i < labels.length; i++) nPos += labels[i] === 1 ? 1 : 0;
  const nNeg = labels.length - nPos;
  const target = (i: number): number => (labels[i] === 1 ? (nPos + 1) / (nPos + 2) : 1 / (nNeg + 2));
  const loss = (a: number, b: number): number => {
    let l = 0;
    for (let i = 0; i < logits.length; i++) {
      const z = a * logits[i]! + b;
      // log(1 + e^z) - t z, written to stay finite for large |z|
      l += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - target(i) * z;
    }
    return l;
  };
  let a = 1;
  let b = 0;
  let current = loss(a, b);
  for (let iter = 0; iter < 100; iter++) {
    let g0 = 0, g1 = 0, h00 = 1e-9, h01 = 0, h11 = 1e-9;
    for (let i = 0; i < logits.length; i++) {
      const z = logits[i]!;
      const p = sigmoid(a * z + b);
      const d = p - target(i);
      const w = p * (1 - p);
      g0 += d * z;
      g1 += d;
      h00 += w * z * z;
      h01 += w * z;
      h11 += w;
    }
    const det = h00 * h11 - h01 * h01;
    if (!(det > 0)) break;
    const da = (h11 * g0 - h01 * g1) / det;
    const db = (h00 * g1 - h01 * g0) / det;
    let step = 1;
    let next = loss(a - step * da, b - step * db);
    while (!(next <= current) && step > 1e-6) {
      step /= 2;
      next = loss(a - step * da, b - step * db);
    }
    if (!(next <= current)) break;
    a -= step * da;
    b -= step * db;
    const improved = current - next;
    current = next;
    if (improved < 1e-10 * Math.max(1, current)) break;
  }
  return { a, b };
}
