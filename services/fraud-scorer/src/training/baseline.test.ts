import { rocAuc } from '../domain/gnn/metrics.js';
import { mulberry32 } from '../domain/gnn/sampler.js';
import { trainGbt, trainLogReg } from './baseline.js';

/** Fraud when both features are high or both low (an interaction), plus a third, linear feature. */
function data(n: number, seed: number): { rows: Float32Array[]; labels: number[] } {
  const rand = mulberry32(seed);
  const rows: Float32Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const [a, b, c] = [rand() * 2 - 1, rand() * 2 - 1, rand()];
    rows.push(Float32Array.from([a, b, c]));
    labels.push(a * b > 0.25 ? 1 : 0);
  }
  return { rows, labels };
}

describe('feature-only baselines', () => {
  const train = data(3000, 1);
  const valid = data(1000, 2);
  const test = data(1000, 3);

  it('gradient-boosted trees learn an interaction that logistic regression cannot', () => {
    const gbt = trainGbt(train.rows, train.labels, valid);
    const lr = trainLogReg(train.rows, train.labels);
    const gAuc = rocAuc(gbt.predict(test.rows), test.labels);
    const lAuc = rocAuc(lr.predict(test.rows), test.labels);
    expect(gAuc).toBeGreaterThan(0.97);
    expect(lAuc).toBeLessThan(0.7);
    expect(gbt.rounds).toBeGreaterThan(5);
  });

  it('logistic regression learns a linear rule, and both refuse a single class', () => {
    const rand = mulberry32(4);
    const rows = Array.from({ length: 2000 }, () => Float32Array.from([rand(), rand()]));
    const labels = rows.map((r) => (r[0]! + 0.3 * rand() > 0.9 ? 1 : 0));
    expect(rocAuc(trainLogReg(rows, labels).predict(rows), labels)).toBeGreaterThan(0.9);
    expect(() => trainLogReg(rows, labels.map(() => 0))).toThrow(/both classes/);
    expect(() => trainGbt(rows, labels.map(() => 1), { rows, labels })).toThrow(/both classes/);
  });
});
