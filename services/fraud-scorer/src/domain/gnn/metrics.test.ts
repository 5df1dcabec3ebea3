import { brierScore, expectedCalibrationError, prAuc, recallAtFpr, rocAuc } from './metrics.js';

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
