/** Evaluation metrics for binary scores; labels are 0/1 (or booleans). */

type Labels = ArrayLike<number | boolean>;

function check(scores: ArrayLike<number>, labels: Labels): void {
  if (scores.length !== labels.length) throw new RangeError(`${scores.length} scores but ${labels.length} labels`);
}
const pos = (l: number | boolean): boolean => l === true || l === 1;

/** Area under the ROC curve (Mann-Whitney U with average ranks for ties); NaN without both classes. */
export function rocAuc(scores: ArrayLike<number>, labels: Labels): number {
  check(scores, labels);
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSumPos = 0;
  let nPos = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (pos(labels[idx[k]!]!)) {
      rankSumPos += avgRank;
      nPos++;
    }
    i = j + 1;
  }
  const nNeg = idx.length - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Points of the ROC curve at each distinct threshold, highest score first. */
function rocPoints(scores: ArrayLike<number>, labels: Labels): Array<{ fpr: number; tpr: number; precision: number }> {
  check(scores, labels);
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let nPos = 0;
  for (let i = 0; i < labels.length; i++) if (pos(labels[i]!)) nPos++;
  const nNeg = labels.length - nPos;
  const out: Array<{ fpr: number; tpr: number; precision: number }> = [];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j < idx.length && scores[idx[j]!] === scores[idx[i]!]) {
      if (pos(labels[idx[j]!]!)) tp++;
      else fp++;
      j++;
    }
    out.push({ fpr: nNeg ? fp / nNeg : 0, tpr: nPos ? tp / nPos : 0, precision: tp / (tp + fp) });
    i = j;
  }
  return out;
}

/** Area under the precision-recall curve as average precision (sum of precision x recall step). */
export function prAuc(scores: ArrayLike<number>, labels: Labels): number {
  let prevRecall = 0;
  let ap = 0;
  for (const p of rocPoints(scores, labels)) {
    ap += (p.tpr - prevRecall) * p.precision;
    prevRecall = p.tpr;
  }
  return ap;
}

/** Best recall (true positive rate) at a false-positive rate no higher than `maxFpr` (e.g. 0.01). */
export function recallAtFpr(scores: ArrayLike<number>, labels: Labels, maxFpr: number): number {
  let best = 0;
  for (const p of rocPoints(scores, labels)) if (p.fpr <= maxFpr) best = Math.max(best, p.tpr);
  return best;
}

/** Mean squared error of probabilities against outcomes (lower is better). */
export function brierScore(probabilities: ArrayLike<number>, labels: Labels): number {
  check(probabilities, labels);
  let s = 0;
  for (let i = 0; i < probabilities.length; i++) s += (probabilities[i]! - (pos(labels[i]!) ? 1 : 0)) ** 2;
  return s / probabilities.length;
}

/** Expected calibration error over `bins` equal-width probability bins. */
export function expectedCalibrationError(probabilities: ArrayLike<number>, labels: Labels, bins = 10): number {
  check(probabilities, labels);
  const count = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  for (let i = 0; i < probabilities.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(probabilities[i]! * bins)));
    count[b]!++;
    sumP[b]! += probabilities[i]!;
    sumY[b]! += pos(labels[i]!) ? 1 : 0;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]! > 0) ece += (count[b]! / probabilities.length) * Math.abs(sumP[b]! / count[b]! - sumY[b]! / count[b]!);
  return ece;
}

/** ROC and precision-recall curves, one point per distinct threshold (highest score first), for plots. */
export function curves(scores: ArrayLike<number>, labels: Labels): { roc: Array<[number, number]>; pr: Array<[number, number]> } {
  const points = rocPoints(scores, labels);
  return { roc: [[0, 0], ...points.map((p): [number, number] => [p.fpr, p.tpr])], pr: points.map((p): [number, number] => [p.tpr, p.precision]) };
}

/** Confusion counts and rates of the decision `score >= threshold`. */
export function confusionAt(scores: ArrayLike<number>, labels: Labels, threshold: number): { tp: number; fp: number; tn: number; fn: number; precision: number; recall: number; fpr: number } {
  check(scores, labels);
  let tp = 0, fp = 0, tn = 0, fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const flagged = scores[i]! >= threshold;
    if (pos(labels[i]!)) {
      if (flagged) tp++;
      else fn++;
    } else if (flagged) fp++;
    else tn++;
  }
  return { tp, fp, tn, fn, precision: tp + fp ? tp / (tp + fp) : 0, recall: tp + fn ? tp / (tp + fn) : 0, fpr: fp + tn ? fp / (fp + tn) : 0 };
}

/** Mean of the F1 of the fraud class and the F1 of the legitimate class, at `score >= threshold`. */
export function f1Macro(scores: ArrayLike<number>, labels: Labels, threshold: number): number {
  const c = confusionAt(scores, labels, threshold);
  const f1 = (tp: number, fp: number, fn: number): number => (tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn));
  return (f1(c.tp, c.fp, c.fn) + f1(c.tn, c.fn, c.fp)) / 2;
}

/** The threshold with the best F1-macro on these scores (candidates: every distinct score). */
export function bestF1Threshold(scores: ArrayLike<number>, labels: Labels): number {
  check(scores, labels);
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let nPos = 0;
  for (let i = 0; i < labels.length; i++) if (pos(labels[i]!)) nPos++;
  const nNeg = labels.length - nPos;
  let tp = 0, fp = 0;
  let best = { f1: -1, t: 1 };
  for (let i = 0; i < idx.length; ) {
    const t = scores[idx[i]!]!;
    while (i < idx.length && scores[idx[i]!] === t) {
      if (pos(labels[idx[i]!]!)) tp++;
      else fp++;
      i++;
    }
    const fn = nPos - tp;
    const tn = nNeg - fp;
    const f1 = ((tp ? (2 * tp) / (2 * tp + fp + fn) : 0) + (tn ? (2 * tn) / (2 * tn + fn + fp) : 0)) / 2;
    if (f1 > best.f1) best = { f1, t };
  }
  return best.t;
}

/**
 * The lowest threshold whose false-positive rate on these scores is at most `maxFpr`, for the
 * rule `score >= threshold`: halfway between the highest negative score that must stay below it
 * and the next higher score, so ties never slip through.
 */
export function thresholdAtFpr(scores: ArrayLike<number>, labels: Labels, maxFpr: number): number {
  check(scores, labels);
  const neg: number[] = [];
  for (let i = 0; i < scores.length; i++) if (!pos(labels[i]!)) neg.push(scores[i]!);
  if (neg.length === 0) return 0;
  neg.sort((a, b) => b - a);
  const allowed = Math.floor(maxFpr * neg.length + 1e-9);
  if (allowed >= neg.length) return 0;
  const below = neg[allowed]!; // this negative (and every lower one) must not be flagged
  let above = Infinity;
  for (let i = 0; i < scores.length; i++) if (scores[i]! > below && scores[i]! < above) above = scores[i]!;
  return Number.isFinite(above) ? (below + above) / 2 : Math.min(1, below + 1e-6);
}
