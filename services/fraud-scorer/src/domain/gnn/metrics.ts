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
