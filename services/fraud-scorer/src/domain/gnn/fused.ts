import type { FraudGnn, ModelArtifact, PlattCalibration, Prediction } from './model.js';
import type { LoadedModel } from './registry.js';
import { Normaliser } from './features.js';
import { mulberry32, type Subgraph } from './sampler.js';

/**
 * The trained network's forward pass as plain loops over Float32Arrays, for scoring on machines
 * without native TensorFlow kernels.
 *
 * Why: the model is small (two 32-wide layers, 64 nodes per order, ~38k multiply-adds per order),
 * so on the wasm and cpu TF.js backends almost all of a prediction is per-op dispatch and tensor
 * bookkeeping (about 0.6-0.9 ms for one order, 0.2 ms per order at batch 256, measured by
 * `make bench-fraud`), and a batch blocks the event loop for tens of milliseconds. The same
 * arithmetic in a loop costs about 0.1 ms per order at any batch size (bench model, measured).
 * TF.js stays the model's definition, its training and the engine on native backends
 * (tensorflow, tensorflow-gpu), where large batches pay off; this class reads the trained weights from the
 * artifact and is checked against TF.js on every model load (`verifyFused`) and in the tests.
 *
 * It mirrors `FraudGnn.logits` exactly: per first-hop slot `[x_e, mean(x_hop2), max(x_hop2)] W1_r`,
 * masked means over slots, the order layer, layer 2, the output unit and Platt calibration.
 */
export class FusedGnn {
  private readonly D: number;
  private readonly R: number;
  private readonly K: number;
  private readonly F: number;
  private readonly H: number;
  private readonly graph: boolean;
  private readonly w: Readonly<Record<'w1e' | 'b1e' | 'w1o' | 'b1o' | 'w2' | 'b2' | 'wOut' | 'bOut', Float32Array>>;
  private readonly normaliser: Normaliser;
  private readonly calibration: PlattCalibration;
  // Scratch buffers, reused across calls (scoring is single-threaded).
  private readonly x: Float32Array;
  private readonly entityIn: Float64Array;
  private readonly hSlot: Float64Array;
  private readonly hEntity: Float64Array;
  private readonly xEntity: Float64Array;
  private readonly hOrder: Float64Array;
  private readonly h2: Float64Array;
  private readonly orderIn: Float64Array;

  constructor(artifact: ModelArtifact) {
    const c = artifact.config;
    this.D = artifact.features.length;
    this.R = artifact.relations.length;
    this.K = c.hop1Fanout ?? 1;
    this.F = c.fanout;
    this.H = c.hidden;
    this.graph = c.graph;
    const read = (name: string): Float32Array => {
      const w = artifact.weights[name];
      if (!w) throw new RangeError(`artifact weight ${name} is missing`);
      const bytes = Buffer.from(w.data, 'base64');
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    };
    this.w = { w1e: read('w1e'), b1e: read('b1e'), w1o: read('w1o'), b1o: read('b1o'), w2: read('w2'), b2: read('b2'), wOut: read('wOut'), bOut: read('bOut') };
    const { D, R, H } = this;
    const expect = { w1e: R * 3 * D * H, b1e: R * H, w1o: (D + R * D) * H, b1o: H, w2: (H + R * H) * H, b2: H, wOut: H, bOut: 1 };
    for (const [name, n] of Object.entries(expect)) {
      const got = this.w[name as keyof typeof expect].length;
      if (got !== n) throw new RangeError(`artifact weight ${name} has ${got} values, the architecture needs ${n}`);
    }
    this.normaliser = Normaliser.fromJSON(artifact.normaliser);
    this.calibration = { ...artifact.calibration };
    const nodes = 2 + R * this.K * (1 + this.F); // null row, the order, first and second hop
    this.x = new Float32Array(nodes * D);
    this.entityIn = new Float64Array(3 * D);
    this.hSlot = new Float64Array(H);
    this.hEntity = new Float64Array(R * H);
    this.xEntity = new Float64Array(R * D);
    this.hOrder = new Float64Array(H + R * H);
    this.h2 = new Float64Array(H);
    this.orderIn = new Float64Array(D + R * D);
  }

  predict(subgraphs: readonly Subgraph[]): Prediction {
    const probabilities = new Float32Array(subgraphs.length);
    const raw = new Float32Array(subgraphs.length);
    const { a, b } = this.calibration;
    subgraphs.forEach((s, i) => {
      const z = this.logit(s);
      probabilities[i] = sigmoid(a * z + b);
      raw[i] = sigmoid(z);
    });
    return { probabilities, raw };
  }

  /** The network's logit for one subgraph. */
  logit(s: Subgraph): number {
    const { D, R, K, F, H, w } = this;
    if (s.fanout !== F || (s.hop1Fanout ?? 1) !== K || (s.dim ?? D) !== D || s.hop1.length !== R * K) {
      throw new RangeError(`subgraph ${s.orderId} does not have the shape the model was trained for (fanout ${F}, ${R} relations x ${K}, ${D} features)`);
    }
    const x = s.rows.length <= this.x.length ? this.x.subarray(0, s.rows.length) : new Float32Array(s.rows.length);
    x.set(s.rows);
    this.normaliser.applyInPlace(x);
    const self = s.self * D;
    // Order-layer input: [x_self, x_entity_0 .. x_entity_{R-1}], written straight into its place.
    const orderIn = this.orderIn;
    for (let j = 0; j < D; j++) orderIn[j] = x[self + j]!;
    if (!this.graph) {
      // The feature-only baseline: the same weights' first D rows (and first H rows of layer 2).
      denseRelu(orderIn, D, w.w1o, w.b1o, 0, H, this.hOrder);
      denseRelu(this.hOrder, H, w.w2, w.b2, 0, H, this.h2);
      return output(this.h2, w.wOut, w.bOut[0]!);
    }
    const { entityIn, hSlot, hEntity, xEntity } = this;
    hEntity.fill(0);
    xEntity.fill(0);
    for (let r = 0; r < R; r++) {
      let slots = 0;
      for (let k = 0; k < K; k++) {
        const idx1 = s.hop1[r * K + k]!;
        if (idx1 <= 0) continue; // padding slot: masked out of the means
        slots += 1;
        const e = idx1 * D;
        for (let j = 0; j < D; j++) entityIn[j] = x[e + j]!;
        let count = 0;
        for (let j = 0; j < D; j++) {
          entityIn[D + j] = 0;
          entityIn[2 * D + j] = -Infinity;
        }
        const base2 = (r * K + k) * F;
        for (let f = 0; f < F; f++) {
          const idx2 = s.hop2[base2 + f]!;
          if (idx2 <= 0) continue;
          count += 1;
          const o = idx2 * D;
          for (let j = 0; j < D; j++) {
            const v = x[o + j]!;
            entityIn[D + j]! += v;
            if (v > entityIn[2 * D + j]!) entityIn[2 * D + j] = v;
          }
        }
        for (let j = 0; j < D; j++) {
          entityIn[D + j] = count > 0 ? entityIn[D + j]! / count : 0;
          if (count === 0) entityIn[2 * D + j] = 0;
        }
        denseRelu(entityIn, 3 * D, w.w1e, w.b1e, r * 3 * D * H, H, hSlot, r * H);
        for (let h = 0; h < H; h++) hEntity[r * H + h]! += hSlot[h]!;
        for (let j = 0; j < D; j++) xEntity[r * D + j]! += x[e + j]!;
      }
      if (slots > 1) {
        for (let h = 0; h < H; h++) hEntity[r * H + h]! /= slots;
        for (let j = 0; j < D; j++) xEntity[r * D + j]! /= slots;
      }
    }
    orderIn.set(xEntity, D);
    return this.head(orderIn, hEntity);
  }

  /** Order layer, layer 2 and the output unit, from the order layer's input and the entity embeddings. */
  private head(orderIn: Float64Array, hEntity: Float64Array): number {
    const { D, R, H, w } = this;
    denseRelu(orderIn, D + R * D, w.w1o, w.b1o, 0, H, this.hOrder);
    this.hOrder.set(hEntity, H);
    denseRelu(this.hOrder, H + R * H, w.w2, w.b2, 0, H, this.h2);
    return output(this.h2, w.wOut, w.bOut[0]!);
  }

  /**
   * Calibrated probabilities of one order with each variant applied, for explanations by
   * occlusion: a relation's first-hop entity removed (with its second hop), or one of the order's
   * own raw features set to another value. What `predict` gives for the edited subgraphs (within
   * float rounding; the tests hold it to TF.js), computed incrementally: the entity embeddings and
   * both layers' pre-activations are computed once, and a variant only subtracts the rows of the
   * inputs it changes (32 to 3,000 multiply-adds instead of 16,000 for the last two layers).
   */
  occlusions(s: Subgraph, variants: ReadonlyArray<{ readonly relation: number } | { readonly column: number; readonly value: number }>): Float32Array {
    const { D, R, H, w } = this;
    if (!this.graph) throw new RangeError('occlusions need the graph model');
    this.logit(s);
    const orderIn = this.orderIn;
    const hEntity = this.hEntity;
    // Base pre-activations of the order layer (z1) and of layer 2 (z2).
    const z1 = new Float64Array(H);
    affine(orderIn, D + R * D, w.w1o, w.b1o, 0, H, z1, 0);
    const layer2In = new Float64Array(H + R * H);
    for (let h = 0; h < H; h++) layer2In[h] = relu(z1[h]!);
    layer2In.set(hEntity, H);
    const z2 = new Float64Array(H);
    affine(layer2In, H + R * H, w.w2, w.b2, 0, H, z2, 0);
    const z1v = new Float64Array(H);
    const z2v = new Float64Array(H);
    const h2v = new Float64Array(H);
    const { a, b } = this.calibration;
    const out = new Float32Array(variants.length);
    variants.forEach((v, i) => {
      z1v.set(z1);
      if ('relation' in v) {
        // The entity's features leave the order layer's input...
        for (let j = D + v.relation * D; j < D + (v.relation + 1) * D; j++) if (orderIn[j] !== 0) addRow(z1v, -orderIn[j]!, w.w1o, j * H, H);
      } else {
        // The order's own row is never all zeros (its type column is 1), so it is always normalised.
        const value = (v.value - this.normaliser.mean[v.column]!) / this.normaliser.std[v.column]!;
        if (value !== orderIn[v.column]) addRow(z1v, value - orderIn[v.column]!, w.w1o, v.column * H, H);
      }
      z2v.set(z2);
      for (let h = 0; h < H; h++) {
        const d = relu(z1v[h]!) - layer2In[h]!;
        if (d !== 0) addRow(z2v, d, w.w2, h * H, H);
      }
      if ('relation' in v) {
        // ...and its embedding leaves layer 2's.
        for (let k = H + v.relation * H; k < H + (v.relation + 1) * H; k++) if (layer2In[k] !== 0) addRow(z2v, -layer2In[k]!, w.w2, k * H, H);
      }
      for (let h = 0; h < H; h++) h2v[h] = relu(z2v[h]!);
      out[i] = sigmoid(a * output(h2v, w.wOut, w.bOut[0]!) + b);
    });
    return out;
  }
}

/** out = relu(input[0:n] W + bias), W row-major [n, H] starting at `wOffset`, bias at `bOffset`. */
function denseRelu(input: Float64Array, n: number, W: Float32Array, bias: Float32Array, wOffset: number, H: number, out: Float64Array, bOffset = 0): void {
  affine(input, n, W, bias, wOffset, H, out, bOffset);
  for (let h = 0; h < H; h++) if (out[h]! < 0) out[h] = 0;
}

const relu = (x: number): number => (x < 0 ? 0 : x);

/** z += scale * W[row, 0:H] */
function addRow(z: Float64Array, scale: number, W: Float32Array, row: number, H: number): void {
  for (let h = 0; h < H; h++) z[h]! += scale * W[row + h]!;
}

/**
 * out = input[0:n] W + bias. Eight outputs at a time in local variables, which the JIT keeps in
 * registers, so the loop over the input only loads W and multiplies, with no load and store of
 * `out` per multiply-add: 2.3x faster than accumulating into `out` (96x32 layer, measured), with
 * the same additions in the same order, so the same result to the last bit. Zero inputs (padding,
 * unset flags) are skipped.
 */
function affine(input: Float64Array, n: number, W: Float32Array, bias: Float32Array, wOffset: number, H: number, out: Float64Array, bOffset: number): void {
  let h0 = 0;
  for (; h0 + 8 <= H; h0 += 8) {
    const b = bOffset + h0;
    let a0 = bias[b]!, a1 = bias[b + 1]!, a2 = bias[b + 2]!, a3 = bias[b + 3]!;
    let a4 = bias[b + 4]!, a5 = bias[b + 5]!, a6 = bias[b + 6]!, a7 = bias[b + 7]!;
    for (let i = 0; i < n; i++) {
      const v = input[i]!;
      if (v === 0) continue;
      const r = wOffset + i * H + h0;
      a0 += v * W[r]!;
      a1 += v * W[r + 1]!;
      a2 += v * W[r + 2]!;
      a3 += v * W[r + 3]!;
      a4 += v * W[r + 4]!;
      a5 += v * W[r + 5]!;
      a6 += v * W[r + 6]!;
      a7 += v * W[r + 7]!;
    }
    out[h0] = a0;
    out[h0 + 1] = a1;
    out[h0 + 2] = a2;
    out[h0 + 3] = a3;
    out[h0 + 4] = a4;
    out[h0 + 5] = a5;
    out[h0 + 6] = a6;
    out[h0 + 7] = a7;
  }
  // A width that is not a multiple of 8: the rest one output at a time.
  for (; h0 < H; h0++) {
    let acc = bias[bOffset + h0]!;
    for (let i = 0; i < n; i++) {
      const v = input[i]!;
      if (v !== 0) acc += v * W[wOffset + i * H + h0]!;
    }
    out[h0] = acc;
  }
}

function output(h: Float64Array, wOut: Float32Array, bOut: number): number {
  let z = bOut;
  for (let i = 0; i < wOut.length; i++) z += h[i]! * wOut[i]!;
  return z;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** How far the fused pass may drift from TF.js (float32 kernels vs float64 accumulation) on a probability. */
export const FUSED_TOLERANCE = 1e-4;

/**
 * Random subgraphs of the model's shape (some slots padded), to compare two implementations of
 * the same network on inputs unlike any one dataset.
 */
export function probeSubgraphs(model: FraudGnn, count: number, seed = 1): Subgraph[] {
  const rand = mulberry32(seed);
  const D = model.layout.features.length;
  const R = model.layout.relations.length;
  const K = model.config.hop1Fanout;
  const F = model.config.fanout;
  const out: Subgraph[] = [];
  for (let n = 0; n < count; n++) {
    const nodes = 2 + R * K * (1 + F);
    const rows = new Float32Array(nodes * D);
    for (let i = D; i < rows.length; i++) rows[i] = rand() < 0.3 ? 0 : (rand() * 2 - 0.5) * 3;
    const hop1 = new Int32Array(R * K);
    const hop2 = new Int32Array(R * K * F);
    let next = 2;
    for (let i = 0; i < R * K; i++) {
      hop1[i] = rand() < 0.15 ? 0 : next;
      next += 1;
      for (let f = 0; f < F; f++) {
        hop2[i * F + f] = hop1[i] === 0 || rand() < 0.3 ? 0 : next;
        next += 1;
      }
    }
    out.push({ orderId: `probe-${n}`, rows, nodeKeys: [], self: 1, hop1, hop2, fanout: F, hop1Fanout: K, dim: D });
  }
  return out;
}

/**
 * The loaded model with its fused engine attached, once the fused pass agrees with TF.js on probe
 * subgraphs; otherwise the model unchanged and the largest difference found, for the caller to log.
 */
export async function attachFusedEngine(loaded: LoadedModel, probes = 32): Promise<{ model: LoadedModel; maxDifference: number }> {
  const fused = new FusedGnn(loaded.model.toArtifact());
  const subgraphs = probeSubgraphs(loaded.model, probes);
  const reference = (await loaded.model.predict(subgraphs)).probabilities;
  const mine = fused.predict(subgraphs).probabilities;
  let maxDifference = 0;
  for (let i = 0; i < subgraphs.length; i++) maxDifference = Math.max(maxDifference, Math.abs(reference[i]! - mine[i]!));
  return { model: maxDifference <= FUSED_TOLERANCE ? { ...loaded, fused } : loaded, maxDifference };
}
