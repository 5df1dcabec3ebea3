import { AliasTable, Rng, createRng } from './rng.js';

const draw = (rng: Rng, n: number, f: (r: Rng) => number): number[] => Array.from({ length: n }, () => f(rng));
const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('Rng', () => {
  it('replays the same sequence for the same seed and a different one for another seed', () => {
    const a = draw(createRng(1), 50, (r) => r.uniform());
    const b = draw(createRng(1), 50, (r) => r.uniform());
    const c = draw(createRng(2), 50, (r) => r.uniform());
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('forks streams that depend on the label and seed, not on draws already taken', () => {
    const untouched = createRng(9);
    const used = createRng(9);
    draw(used, 100, (r) => r.uniform());
    expect(draw(used.fork('x'), 20, (r) => r.uniform())).toEqual(draw(untouched.fork('x'), 20, (r) => r.uniform()));
    expect(draw(untouched.fork('x'), 20, (r) => r.uniform())).not.toEqual(draw(untouched.fork('y'), 20, (r) => r.uniform()));
  });

  it('keeps uniform in [0, 1) with mean one half', () => {
    const xs = draw(createRng(3), 100_000, (r) => r.uniform());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mean(xs)).toBeCloseTo(0.5, 2);
  });

  it('draws integers over the whole inclusive range and nothing outside it', () => {
    const xs = draw(createRng(4), 20_000, (r) => r.int(-2, 3));
    expect(new Set(xs)).toEqual(new Set([-2, -1, 0, 1, 2, 3]));
    expect(() => createRng(4).int(3, 2)).toThrow(RangeError);
  });

  it('picks by weight, never picks a zero weight, and rejects all-zero weights', () => {
    const rng = createRng(5);
    const counts = [0, 0, 0];
    for (let i = 0; i < 60_000; i++) counts[rng.weightedIndex([1, 0, 3])]! += 1;
    expect(counts[1]).toBe(0);
    expect(counts[2]! / counts[0]!).toBeGreaterThan(2.8);
    expect(counts[2]! / counts[0]!).toBeLessThan(3.2);
    expect(() => rng.weightedIndex([0, 0])).toThrow(RangeError);
  });

  it('samples distinct items, by weight when asked', () => {
    const rng = createRng(6);
    const items = ['a', 'b', 'c', 'd', 'e'];
    for (let i = 0; i < 200; i++) {
      const s = rng.sample(items, 3);
      expect(new Set(s).size).toBe(3);
      const w = rng.weightedSample(items, [1, 1, 0, 1, 1], 4);
      expect(new Set(w).size).toBe(4);
      expect(w).not.toContain('c');
    }
  });

  it('has the textbook means for its distributions', () => {
    const rng = createRng(7);
    const normals = draw(rng, 50_000, (r) => r.normal(10, 2));
    expect(mean(normals)).toBeCloseTo(10, 1);
    const sd = Math.sqrt(mean(normals.map((x) => (x - 10) ** 2)));
    expect(sd).toBeGreaterThan(1.95);
    expect(sd).toBeLessThan(2.05);
    const logs = draw(rng, 50_000, (r) => r.lognormal(5, 0.8)).sort((a, b) => a - b);
    expect(logs[25_000]! / 5).toBeGreaterThan(0.97);
    expect(logs[25_000]! / 5).toBeLessThan(1.03);
    expect(mean(draw(rng, 50_000, (r) => r.exponential(0.5)))).toBeCloseTo(2, 1);
    expect(mean(draw(rng, 50_000, (r) => r.poisson(3)))).toBeCloseTo(3, 1);
    expect(mean(draw(rng, 20_000, (r) => r.poisson(80))) / 80).toBeCloseTo(1, 2);
    expect(mean(draw(rng, 50_000, (r) => r.gamma(0.4)))).toBeCloseTo(0.4, 1);
    expect(mean(draw(rng, 50_000, (r) => r.gamma(3)))).toBeCloseTo(3, 1);
  });

  it('makes Dirichlet vectors that sum to one and are peaked for small alphas', () => {
    const rng = createRng(8);
    const peaked = Array.from({ length: 2_000 }, () => rng.dirichlet([0.2, 0.2, 0.2, 0.2, 0.2]));
    const flat = Array.from({ length: 2_000 }, () => rng.dirichlet([20, 20, 20, 20, 20]));
    for (const v of [...peaked, ...flat]) expect(v.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
    expect(mean(peaked.map((v) => Math.max(...v)))).toBeGreaterThan(0.6);
    expect(mean(flat.map((v) => Math.max(...v)))).toBeLessThan(0.3);
  });
});

describe('AliasTable', () => {
  it('samples in proportion to its weights', () => {
    const weights = [5, 1, 0, 10, 4];
    const table = new AliasTable(weights);
    const rng = createRng(10);
    const counts = new Array<number>(weights.length).fill(0);
    const n = 200_000;
    for (let i = 0; i < n; i++) counts[table.sample(rng)]! += 1;
    expect(counts[2]).toBe(0);
    weights.forEach((w, i) => expect(Math.abs(counts[i]! / n - w / 20)).toBeLessThan(0.006));
  });

  it('rejects empty and all-zero weights', () => {
    expect(() => new AliasTable([])).toThrow(RangeError);
    expect(() => new AliasTable([0, 0])).toThrow(RangeError);
  });
});
