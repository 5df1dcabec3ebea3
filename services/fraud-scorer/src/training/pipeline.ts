import { FraudGnn, TRAIN_DEFAULTS, type TrainHooks, type TrainOptions, type TrainResult } from '../domain/gnn/model.js';
import {
  bestF1Threshold,
  brierScore,
  confusionAt,
  curves,
  expectedCalibrationError,
  f1Macro,
  prAuc,
  recallAtFpr,
  rocAuc,
  thresholdAtFpr,
} from '../domain/gnn/metrics.js';
import type { Thresholds } from '../domain/gnn/registry.js';
import { trainGbt, trainLogReg, type BaselineKind, type FeatureModel } from './baseline.js';
import { bySplit, ownFeatures, type Dataset, type LabelledExample } from './dataset.js';

/** False-positive rates on the validation split at which each threshold is set. */
export const THRESHOLD_TARGETS = {
  /** Manual review: up to 2% of legitimate orders queued for a human. */
  review: 0.02,
  /** Decline: up to 0.5% of legitimate orders turned away. */
  decline: 0.005,
  /** Fraud alert to investigators: up to 0.1% of legitimate orders. */
  alert: 0.001,
} as const;
export type ThresholdTargets = { -readonly [K in keyof typeof THRESHOLD_TARGETS]: number };

export const PIPELINE_DEFAULTS = {
  hidden: 32,
  seed: 7,
  baseline: 'gbt' as BaselineKind,
} as const;

export interface TrainRunOptions {
  readonly hidden: number;
  readonly seed: number;
  readonly train: Partial<TrainOptions>;
  readonly targets: ThresholdTargets;
}

export interface TrainRun {
  readonly model: FraudGnn;
  readonly result: TrainResult;
  readonly thresholds: Thresholds & { readonly f1: number };
  readonly validation: ModelMetrics;
}

export interface ModelMetrics {
  readonly examples: number;
  readonly fraud: number;
  readonly rocAuc: number;
  readonly prAuc: number;
  readonly f1Macro: number;
  /** Threshold the F1-macro is measured at (chosen on validation). */
  readonly f1Threshold: number;
  readonly recallAt1PctFpr: number;
  readonly brier: number;
  readonly ece: number;
}

const labelsOf = (xs: readonly LabelledExample[]): Array<0 | 1> => xs.map((e) => e.label);

export function metricsOf(scores: ArrayLike<number>, labels: ArrayLike<number>, f1Threshold: number): ModelMetrics {
  let fraud = 0;
  for (let i = 0; i < labels.length; i++) fraud += labels[i]!;
  return {
    examples: labels.length,
    fraud,
    rocAuc: rocAuc(scores, labels),
    prAuc: prAuc(scores, labels),
    f1Macro: f1Macro(scores, labels, f1Threshold),
    f1Threshold,
    recallAt1PctFpr: recallAtFpr(scores, labels, 0.01),
    brier: brierScore(scores, labels),
    ece: expectedCalibrationError(scores, labels),
  };
}

/** Thresholds at target false-positive rates on the validation split, plus the best-F1 one. */
export function chooseThresholds(scores: ArrayLike<number>, labels: ArrayLike<number>, targets: ThresholdTargets): Thresholds & { f1: number } {
  const at = (fpr: number): number => thresholdAtFpr(scores, labels, fpr);
  const review = at(targets.review);
  const decline = Math.max(review, at(targets.decline));
  const alert = at(targets.alert);
  const pct = (x: number): string => `${+(x * 100).toFixed(3)}%`;
  return {
    review,
    decline,
    alert,
    f1: bestF1Threshold(scores, labels),
    basis: {
      review: `validation false-positive rate <= ${pct(targets.review)}`,
      decline: `validation false-positive rate <= ${pct(targets.decline)}`,
      alert: `validation false-positive rate <= ${pct(targets.alert)}`,
      f1: 'best F1-macro on validation',
    },
    updatedAt: new Date().toISOString(),
  };
}

/** Trains the GNN on the train split, keeps the best validation epoch, calibrates, sets thresholds. */
export async function trainGnn(ds: Dataset, options: Partial<TrainRunOptions> = {}, hooks: TrainHooks = {}): Promise<TrainRun> {
  const train = bySplit(ds, 'train');
  const valid = bySplit(ds, 'valid');
  const model = new FraudGnn({ hidden: options.hidden ?? PIPELINE_DEFAULTS.hidden, seed: options.seed ?? PIPELINE_DEFAULTS.seed, fanout: ds.fanout, hop1Fanout: ds.hop1Fanout }, ds.layout);
  try {
    const result = await model.train(train, valid, { ...TRAIN_DEFAULTS, ...options.train }, hooks);
    const p = (await model.predictChunked(valid.map((e) => e.subgraph))).probabilities;
    const labels = labelsOf(valid);
    const thresholds = chooseThresholds(p, labels, options.targets ?? THRESHOLD_TARGETS);
    return { model, result, thresholds, validation: metricsOf(p, labels, thresholds.f1) };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/** The feature-only model on the same split and the same raw feature rows the GNN sees for the target. */
export function trainBaseline(ds: Dataset, kind: BaselineKind): FeatureModel {
  const train = bySplit(ds, 'train');
  const valid = bySplit(ds, 'valid');
  const rows = train.map(ownFeatures);
  const labels = labelsOf(train);
  return kind === 'gbt' ? trainGbt(rows, labels, { rows: valid.map(ownFeatures), labels: labelsOf(valid) }) : trainLogReg(rows, labels);
}

export interface PatternRow {
  readonly pattern: string;
  /** Fraud examples of this pattern in the test split. */
  readonly fraud: number;
  readonly gnnPrAuc: number;
  readonly baselinePrAuc: number;
  readonly gnnRecallAtReview: number;
  readonly baselineRecallAtReview: number;
}

export interface Evaluation {
  readonly dataset: string;
  readonly split: 'test';
  readonly baselineKind: BaselineKind;
  readonly gnn: ModelMetrics;
  readonly baseline: ModelMetrics;
  /** Per fraud pattern: that pattern's fraud against every legitimate test example. */
  readonly patterns: readonly PatternRow[];
  /**
   * Legitimate test examples that look unusual (the generator's honest quirks), and the share of
   * each each model would send to review: where false positives come from.
   */
  readonly quirks: ReadonlyArray<{ quirk: string; orders: number; gnnFlagged: number; baselineFlagged: number }>;
  /** What each threshold does on the test split (GNN). */
  readonly decisions: ReadonlyArray<{ name: string; threshold: number; precision: number; recall: number; fpr: number; flagged: number }>;
  readonly curves: {
    readonly gnn: ReturnType<typeof curves>;
    readonly baseline: ReturnType<typeof curves>;
  };
}

/**
 * Scores the test split with the GNN and the baseline. The baseline's F1 threshold and its
 * review-equivalent threshold are chosen on validation exactly as the GNN's were.
 */
export async function evaluate(ds: Dataset, model: FraudGnn, thresholds: Thresholds & { f1?: number }, baseline: FeatureModel): Promise<Evaluation> {
  const test = bySplit(ds, 'test');
  const valid = bySplit(ds, 'valid');
  const labels = labelsOf(test);
  if (!labels.includes(1) || !labels.includes(0)) throw new Error(`the test split of ${ds.name} needs both classes; it has ${labels.filter((l) => l === 1).length} fraud of ${labels.length}`);
  const g = (await model.predictChunked(test.map((e) => e.subgraph))).probabilities;
  const b = baseline.predict(test.map(ownFeatures));
  const bValid = baseline.predict(valid.map(ownFeatures));
  const bThresholds = chooseThresholds(bValid, labelsOf(valid), THRESHOLD_TARGETS);
  const gnnF1 = thresholds.f1 ?? bestF1Threshold((await model.predictChunked(valid.map((e) => e.subgraph))).probabilities, labelsOf(valid));

  const patterns = [...new Set(test.filter((e) => e.label === 1 && e.pattern && e.pattern !== 'none').map((e) => e.pattern!))].sort();
  const rows: PatternRow[] = patterns.map((pattern) => {
    const idx = test.map((e, i) => [e, i] as const).filter(([e]) => e.label === 0 || e.pattern === pattern).map(([, i]) => i);
    const l = idx.map((i) => labels[i]!);
    const pick = (s: Float32Array): number[] => idx.map((i) => s[i]!);
    const recall = (s: Float32Array, t: number): number => {
      const fraudIdx = idx.filter((i) => labels[i] === 1);
      return fraudIdx.filter((i) => s[i]! >= t).length / Math.max(1, fraudIdx.length);
    };
    return {
      pattern,
      fraud: l.filter((x) => x === 1).length,
      gnnPrAuc: l.includes(1) ? prAuc(pick(g), l) : NaN,
      baselinePrAuc: l.includes(1) ? prAuc(pick(b), l) : NaN,
      gnnRecallAtReview: recall(g, thresholds.review),
      baselineRecallAtReview: recall(b, bThresholds.review),
    };
  });
  const quirkNames = [...new Set(test.flatMap((e) => (e.label === 0 ? (e.quirks ?? []) : [])))].sort();
  const quirks = quirkNames.map((quirk) => {
    const idx = test.map((e, i) => [e, i] as const).filter(([e]) => e.label === 0 && e.quirks?.includes(quirk)).map(([, i]) => i);
    return { quirk, orders: idx.length, gnnFlagged: idx.filter((i) => g[i]! >= thresholds.review).length, baselineFlagged: idx.filter((i) => b[i]! >= bThresholds.review).length };
  });
  const decisions = (['review', 'decline', 'alert'] as const).map((name) => {
    const c = confusionAt(g, labels, thresholds[name]);
    return { name, threshold: thresholds[name], precision: c.precision, recall: c.recall, fpr: c.fpr, flagged: c.tp + c.fp };
  });
  return {
    dataset: ds.name,
    split: 'test',
    baselineKind: baseline.kind,
    gnn: metricsOf(g, labels, gnnF1),
    baseline: metricsOf(b, labels, bThresholds.f1),
    patterns: rows,
    quirks,
    decisions,
    curves: { gnn: curves(g, labels), baseline: curves(b, labels) },
  };
}
