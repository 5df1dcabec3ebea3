import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalBlobStore } from '@commerce/blob-store';
import { selectBackend } from './backend.js';
import { GenericGraph, sampleNode } from './generic-graph.js';
import { FraudGnn } from './model.js';
import { decide, latestVersion, loadModel, nextVersion, resolveVersion, saveModel, setLatest } from './registry.js';

describe('model registry in a blob store', () => {
  let root: string;
  let store: LocalBlobStore;
  let model: FraudGnn;

  beforeAll(async () => {
    await selectBackend('wasm');
    root = await mkdtemp(path.join(tmpdir(), 'registry-'));
    store = new LocalBlobStore({ root });
    // A tiny generic model: enough to have weights, a normaliser and a calibration to store.
    const nodes = Array.from({ length: 40 }, (_, i) => ({ id: `n${i}`, label: (i % 4 === 0 ? 1 : 0) as 0 | 1, split: undefined, features: [i % 4 === 0 ? 1 : 0, i] }));
    const graph = new GenericGraph(nodes, nodes.slice(1).map((n, i) => ({ src: n.id, dst: `n${i}`, relation: 'r' })), ['a', 'b']);
    const examples = nodes.map((n, i) => ({ subgraph: sampleNode(graph, i, { hop1Fanout: 2, fanout: 2 }), label: n.label }));
    model = new FraudGnn({ hidden: 4, fanout: 2, hop1Fanout: 2 }, graph.layout);
    await model.train(examples.slice(0, 28), examples.slice(28), { epochs: 1 });
  });
  afterAll(async () => {
    model.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('has no latest before anything is published, and says how to fix it', async () => {
    expect(await latestVersion(store)).toBeUndefined();
    await expect(resolveVersion(store, 'latest')).rejects.toThrow(/run the train command first/);
    expect(await resolveVersion(store, '2026-01-01.3')).toBe('2026-01-01.3');
  });

  it('numbers versions per day, saves, points latest and loads with the layout check', async () => {
    const now = new Date('2026-11-22T10:00:00Z');
    const v1 = await nextVersion(store, now);
    expect(v1).toBe('2026-11-22.1');
    const thresholds = { review: 0.2, decline: 0.6, alert: 0.9 };
    await saveModel(store, { version: v1, artifact: model.toArtifact(), thresholds, manifest: { version: v1, createdAt: now.toISOString() } });
    expect(await nextVersion(store, now)).toBe('2026-11-22.2');
    await saveModel(store, { version: '2026-11-22.2', artifact: model.toArtifact(), thresholds, manifest: { version: '2026-11-22.2', createdAt: now.toISOString() }, latest: false });
    expect(await latestVersion(store)).toBe(v1);
    expect(await nextVersion(store, now)).toBe('2026-11-22.3');

    // The online default expects the order layout: a generic-dataset model is refused, loudly.
    await expect(loadModel(store)).rejects.toThrow(/different feature layout/);
    const loaded = await loadModel(store, { expected: null });
    try {
      expect(loaded).toMatchObject({ version: v1, modelVersion: `fraud-gnn@${v1}`, thresholds });
      expect(loaded.model.layout).toEqual(model.layout);
      expect(loaded.model.config).toEqual(model.config);
    } finally {
      loaded.model.dispose();
    }
    await setLatest(store, '2026-11-22.2');
    expect(await resolveVersion(store, undefined)).toBe('2026-11-22.2');
  });

  it('decide: decline beats review, alerts are independent, thresholds are inclusive', () => {
    const t = { review: 0.2, decline: 0.6, alert: 0.5 };
    expect(decide(0.1, t)).toEqual({ decision: 'approve', alert: false });
    expect(decide(0.2, t)).toEqual({ decision: 'review', alert: false });
    expect(decide(0.55, t)).toEqual({ decision: 'review', alert: true });
    expect(decide(0.6, t)).toEqual({ decision: 'decline', alert: true });
  });
});
