import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { selectBackend } from '../domain/gnn/backend.js';
import { FraudGnn } from '../domain/gnn/model.js';
import { mulberry32 } from '../domain/gnn/sampler.js';
import type { GenericEdge, GenericNode } from '../domain/gnn/generic-graph.js';
import { bySplit } from './dataset.js';
import { loadGenericDataset, writeGenericData } from './generic-format.js';
import { chooseThresholds, evaluate, trainBaseline, trainGnn } from './pipeline.js';

/**
 * A graph where only the neighbourhood knows: accounts' own features are pure noise, fraud
 * accounts share a few devices, and those devices (not the accounts) look risky. A feature-only
 * model cannot do better than chance; a model that reads neighbours can.
 */
function ringWorld(seed: number): { nodes: GenericNode[]; edges: GenericEdge[] } {
  const rand = mulberry32(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const nodes: GenericNode[] = [];
  const edges: GenericEdge[] = [];
  const rings = 12;
  for (let r = 0; r < rings; r++) nodes.push({ id: `ring-device-${r}`, label: undefined, split: undefined, nodeType: 'device', features: [1.5 + gauss(), gauss()] });
  for (let i = 0; i < 700; i++) {
    const fraud = i % 10 === 0;
    const split = (['train', 'train', 'train', 'valid', 'test'] as const)[Math.floor(rand() * 5)]!;
    nodes.push({ id: `acct-${i}`, label: fraud ? 1 : 0, split, nodeType: 'account', features: [gauss(), gauss()] });
    let device = `ring-device-${i % rings}`;
    if (!fraud) {
      device = `device-${i}`;
      nodes.push({ id: device, label: undefined, split: undefined, nodeType: 'device', features: [gauss(), gauss()] });
    }
    edges.push({ src: `acct-${i}`, dst: device, relation: 'device' });
    edges.push({ src: `acct-${i}`, dst: `ip-${i % 50}`, relation: 'ip' }); // shared IPs carry no signal
  }
  for (let k = 0; k < 50; k++) nodes.push({ id: `ip-${k}`, label: undefined, split: undefined, nodeType: 'ip', features: [gauss(), gauss()] });
  return { nodes, edges };
}

describe('train and evaluate on a generic graph (wasm)', () => {
  let dir: string;
  beforeAll(async () => {
    await selectBackend('wasm');
    dir = await mkdtemp(path.join(tmpdir(), 'ring-world-'));
    await writeGenericData(dir, { ...ringWorld(3), featureNames: ['f0', 'f1'] });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('the GNN finds fraud that only the neighbourhood reveals; the feature-only baseline cannot', async () => {
    const ds = await loadGenericDataset(dir, { fanout: 4 });
    expect(ds.layout.relations).toEqual(['device', 'ip']);
    expect(ds.hop1Fanout).toBe(1);
    const run = await trainGnn(ds, { hidden: 16, train: { epochs: 8, batchSize: 32 } });
    try {
      for (const kind of ['gbt', 'logreg'] as const) {
        const ev = await evaluate(ds, run.model, run.thresholds, trainBaseline(ds, kind));
        expect(ev.gnn.fraud).toBeGreaterThan(10);
        expect(ev.gnn.prAuc).toBeGreaterThan(0.8);
        expect(ev.baseline.rocAuc).toBeLessThan(0.75); // noise: near 0.5
        expect(ev.gnn.prAuc).toBeGreaterThan(ev.baseline.prAuc + 0.3);
      }

      // Thresholds were set on validation and are ordered by strictness.
      expect(run.thresholds.review).toBeLessThanOrEqual(run.thresholds.decline);
      expect(run.thresholds.review).toBeGreaterThan(0);

      // The artifact of a generic model reloads with its own layout and predicts the same.
      const test = bySplit(ds, 'test').map((e) => e.subgraph);
      const loaded = FraudGnn.fromArtifact(JSON.parse(JSON.stringify(run.model.toArtifact())), null);
      try {
        expect(Array.from((await loaded.predict(test)).probabilities)).toEqual(Array.from((await run.model.predict(test)).probabilities));
      } finally {
        loaded.dispose();
      }
      expect(() => FraudGnn.fromArtifact(run.model.toArtifact())).toThrow(/different feature layout/);
    } finally {
      run.model.dispose();
    }
  });
});

describe('chooseThresholds', () => {
  it('keeps each false-positive rate on the data it was chosen on, and review <= decline', () => {
    const rand = mulberry32(9);
    const scores: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const y = rand() < 0.05 ? 1 : 0;
      labels.push(y);
      scores.push(Math.min(1, Math.max(0, rand() * 0.7 + y * 0.3)));
    }
    const t = chooseThresholds(scores, labels, { review: 0.02, decline: 0.005, alert: 0.001 });
    const fpr = (th: number): number => scores.filter((s, i) => s >= th && labels[i] === 0).length / labels.filter((l) => l === 0).length;
    expect(fpr(t.review)).toBeLessThanOrEqual(0.02);
    expect(fpr(t.review)).toBeGreaterThan(0.015); // as low as the target allows, not just anything
    expect(fpr(t.decline)).toBeLessThanOrEqual(0.005);
    expect(fpr(t.alert)).toBeLessThanOrEqual(0.001);
    expect(t.review).toBeLessThanOrEqual(t.decline);
  });
});
