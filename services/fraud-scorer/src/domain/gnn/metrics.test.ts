import { bestF1Threshold, brierScore, confusionAt, curves, expectedCalibrationError, f1Macro, prAuc, recallAtFpr, rocAuc, thresholdAtFpr } from './metrics.js';

describe('metrics', () => {
  it('ROC AUC: perfect, inverted, ties and a hand-computed case', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    // pairs (pos, neg): (0.4 vs 0.1 win, 0.4 vs 0.6 loss), (0.8 vs both win) -> 3/4
    expect(rocAuc([0.1, 0.4, 0.6, 0.8], [0, 1, 0, 1])).toBe(0.75);
    expect(rocAuc([0.1, 0.2], [0, 0])).toBeNaN();
  });

  it('PR AUC as average precision', () => {
    expect(prAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    // ranked: 0.8 (pos, P=1, R=.5), 0.6 (neg), 0.4 (pos, P=2/3, R=1) -> .5*1 + .5*2/3
    expect(prAuc([0.1, 0.4, 0.6, 0.8], [0, 1, 0, 1])).toBeCloseTo(5 / 6, 10);
  });

  it('recall at a fixed false-positive rate', () => {
    const scores = [0.95, 0.9, 0.85, 0.8, 0.3, 0.2, 0.1, 0.05, 0.04, 0.03];
    const labels = [1, 1, 0, 1, 0, 0, 0, 0, 0, 1];
    expect(recallAtFpr(scores, labels, 0)).toBe(0.5);
    expect(recallAtFpr(scores, labels, 1 / 6)).toBe(0.75);
    expect(recallAtFpr(scores, labels, 1)).toBe(1);
  });

  it('Brier score and calibration error', () => {
    expect(brierScore([1, 0], [true, false])).toBe(0);
    expect(brierScore([0.5, 0.5], [1, 0])).toBe(0.25);
    expect(expectedCalibrationError([0.25, 0.25, 0.25, 0.25], [1, 0, 0, 0])).toBe(0);
    expect(expectedCalibrationError([0.9, 0.9], [0, 0])).toBeCloseTo(0.9, 10);
  });
});

describe('decision metrics', () => {
  const scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05];
  const labels = [1, 1, 0, 1, 0, 0, 0, 0, 0, 0];

  it('confusionAt and F1-macro at a threshold, by hand', () => {
    // >= 0.65 flags 0.9, 0.8 (fraud) and 0.7 (legit): tp 2, fp 1, fn 1, tn 6
    expect(confusionAt(scores, labels, 0.65)).toMatchObject({ tp: 2, fp: 1, fn: 1, tn: 6 });
    // F1 fraud = 4/6, F1 legit = 12/14
    expect(f1Macro(scores, labels, 0.65)).toBeCloseTo((4 / 6 + 12 / 14) / 2, 12);
    expect(bestF1Threshold(scores, labels)).toBe(0.6); // flags all three fraud and one legit
  });

  it('thresholdAtFpr: the lowest threshold whose FPR stays within the target, ties never slip through', () => {
    expect(thresholdAtFpr(scores, labels, 0)).toBeCloseTo(0.75, 12); // above the best legit (0.7), below the next score
    expect(confusionAt(scores, labels, thresholdAtFpr(scores, labels, 1 / 7)).fp).toBe(1);
    const tied = [0.5, 0.5, 0.5, 0.9];
    expect(confusionAt(tied, [0, 0, 1, 1], thresholdAtFpr(tied, [0, 0, 1, 1], 0.5)).fp).toBe(0);
  });

  it('curves start at the origin and end at (1, 1) for ROC', () => {
    const c = curves(scores, labels);
    expect(c.roc[0]).toEqual([0, 0]);
    expect(c.roc.at(-1)).toEqual([1, 1]);
    expect(c.pr[0]).toEqual([1 / 3, 1]);
  });
});
