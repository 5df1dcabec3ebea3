import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { LocalBlobStore } from '@commerce/blob-store';
import { createWorld } from '@commerce/synthetic';
import { selectBackend, type BackendSelection } from '../domain/gnn/backend.js';
import { EntityGraph } from '../domain/gnn/features.js';
import { latestVersion, loadModel, versionPrefix } from '../domain/gnn/registry.js';
import { sampleOrder } from '../domain/gnn/sampler.js';
import { evaluateCommand, loadDataset, modelNameFor, thresholdsCommand, trainCommand, type CommandContext, type DataSpec } from './commands.js';
import { bySplit } from './dataset.js';
import { writeGenericData } from './generic-format.js';
import { writeLabels } from './labels.js';
import { generateOrders } from './synthetic-dataset.js';

/** Small enough for a unit test; every split still has fraud (checked below). */
const WORLD = { seed: 42, orders: 2500, shoppers: 400, fraudShare: 0.1 };
const DATA: DataSpec = { kind: 'synthetic', options: WORLD };

describe('train -> evaluate -> thresholds through the blob store (wasm)', () => {
  let root: string;
  let ctx: CommandContext;
  const lines: string[] = [];
  let backend: BackendSelection;

  beforeAll(async () => {
    backend = await selectBackend('wasm');
    root = await mkdtemp(path.join(tmpdir(), 'fraud-models-'));
    ctx = { store: new LocalBlobStore({ root }), backend, log: (l) => lines.push(l) };
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('train stores a version and points latest at it; the online loader gets model and thresholds', async () => {
    const trained = await trainCommand({ data: DATA, epochs: 3, version: 'v-test.1' }, ctx);
    expect(trained.version).toBe('v-test.1');
    expect(await latestVersion(ctx.store)).toBe('v-test.1');
    const keys = (await ctx.store.list(`${versionPrefix('v-test.1')}/`)).items.map((i) => i.key.split('/').pop());
    expect(keys).toEqual(['manifest.json', 'model.json', 'thresholds.json']);
    expect(trained.manifest.dataset).toMatchObject({ window: { from: expect.any(String), to: expect.any(String) } });
    expect(lines.some((l) => l.startsWith('epoch  3/3  loss'))).toBe(true);

    const loaded = await loadModel(ctx.store); // what the scorer does at start
    try {
      expect(loaded.modelVersion).toBe('fraud-gnn@v-test.1');
      expect(loaded.thresholds.review).toBeGreaterThan(0);
      expect(loaded.thresholds.review).toBeLessThanOrEqual(loaded.thresholds.decline);
      // Score orders straight from an EntityGraph, as online.
      const graph = new EntityGraph();
      const orders = [...createWorld({ seed: 7, shoppers: 100 }).orders({ count: 50 })].map((o) => o.event);
      for (const o of orders) graph.ingest(o);
      const ids = orders.slice(-8).map((o) => o.orderId);
      const p = await loaded.model.scoreOrders(graph, ids);
      expect(p.probabilities).toHaveLength(8);
      expect(p.probabilities.every((x) => x >= 0 && x <= 1)).toBe(true);
      const bySampler = await loaded.model.predict(ids.map((id) => sampleOrder(graph, id, { fanout: loaded.model.config.fanout })));
      expect(Array.from(p.probabilities)).toEqual(Array.from(bySampler.probabilities));
    } finally {
      loaded.model.dispose();
    }
  });

  it('evaluate writes the report (HTML, PNG plots, JSON) under the version and returns the bench line', async () => {
    const r = await evaluateCommand({}, ctx);
    expect(r.version).toBe('v-test.1');
    expect(Object.keys(r.bench)).toEqual(['bench', 'gnn_pr_auc', 'baseline_pr_auc', 'gnn_roc_auc', 'baseline_roc_auc']);
    expect(r.evaluation.gnn.fraud).toBeGreaterThan(10);
    expect(r.evaluation.gnn.rocAuc).toBeGreaterThan(0.9);
    const prefix = `${versionPrefix('v-test.1')}/report`;
    const html = (await ctx.store.get(`${prefix}/index.html`)).toString();
    expect(html).toContain('fraud-gnn@v-test.1');
    expect(html).toContain('Per fraud pattern');
    for (const p of r.evaluation.patterns) expect(html).toContain(`<th>${p.pattern}</th>`);
    for (const name of ['roc-pr.png', 'training.png']) {
      const meta = await sharp(await ctx.store.get(`${prefix}/${name}`)).metadata();
      expect(meta.format).toBe('png');
      expect(meta.width).toBeGreaterThan(800);
    }
    const json = JSON.parse((await ctx.store.get(`${prefix}/evaluation.json`)).toString());
    expect(json.gnn.prAuc).toBeCloseTo(r.evaluation.gnn.prAuc, 10);
    const manifest = JSON.parse((await ctx.store.get(`${versionPrefix('v-test.1')}/manifest.json`)).toString());
    expect(manifest.metrics.validation.rocAuc).toBeGreaterThan(0.5);
    expect(manifest.metrics.test.gnn.prAuc).toBe(r.evaluation.gnn.prAuc);
    expect(lines.some((l) => l.startsWith('  PR AUC'))).toBe(true);
  });

  it('thresholds can be changed by hand without touching the model, and bad ones are refused', async () => {
    const before = (await ctx.store.get(`${versionPrefix('v-test.1')}/model.json`)).toString();
    await thresholdsCommand({ review: 0.3, decline: 0.7 }, ctx);
    const loaded = await loadModel(ctx.store);
    loaded.model.dispose();
    expect(loaded.thresholds).toMatchObject({ review: 0.3, decline: 0.7 });
    expect(loaded.thresholds.basis?.review).toMatch(/set by hand/);
    expect((await ctx.store.get(`${versionPrefix('v-test.1')}/model.json`)).toString()).toBe(before);
    await expect(thresholdsCommand({ review: 0.9, decline: 0.5 }, ctx)).rejects.toThrow(/review .* must not be above decline/);
  });

  it('trains on reported labels from the blob store; unpublished versions leave latest alone', async () => {
    const world = createWorld({ seed: WORLD.seed, shoppers: WORLD.shoppers, fraudShare: WORLD.fraudShare });
    const orders = generateOrders(WORLD);
    const events = world.labels(orders, { coverage: 0.8, mislabelRate: 0 });
    const half = Math.floor(events.length / 2);
    await writeLabels(ctx.store, 'labels/fraud/day-1.jsonl', events.slice(0, half));
    // The rest as the scorer's LabelBook stores them: one object per label, under the day reported.
    for (const e of events.slice(half)) await writeLabels(ctx.store, `labels/fraud/${e.reportedAt.slice(0, 10)}/${e.labelId}.jsonl`, [e]);
    await ctx.store.put('labels/fraud/README.txt', Buffer.from('not a labels file'));

    const spec: DataSpec = { ...DATA, labels: 'labels/fraud/' } as DataSpec;
    const ds = await loadDataset(spec, ctx.store, () => {});
    const fraudIds = new Set(events.filter((e) => e.label === 'fraud').map((e) => e.orderId));
    expect(ds.examples.filter((e) => e.label === 1).map((e) => e.id).sort()).toEqual([...fraudIds].sort());
    expect(fraudIds.size).toBeLessThan(orders.filter((o) => o.truth.fraud).length); // 80% coverage: really the labels, not the truth
    expect(bySplit(ds, 'train').some((e) => e.label === 1)).toBe(true);

    const r = await trainCommand({ data: spec, epochs: 2, version: 'v-test.2', publish: false }, ctx);
    expect(r.manifest.data).toEqual(spec);
    expect(await latestVersion(ctx.store)).toBe('v-test.1');

    await ctx.store.put('labels/bad/x.jsonl', Buffer.from('{"orderId":"o-1"}\n'));
    await expect(loadDataset({ ...DATA, labels: 'labels/bad/' } as DataSpec, ctx.store, () => {})).rejects.toThrow(/x\.jsonl line 1: not a fraud-label-reported event/);
  });

  it("a generic dataset's model goes under its own name and never becomes the live scorer's latest", async () => {
    const dir = path.join(root, 'My Data');
    const nodes = Array.from({ length: 300 }, (_, i) => ({ id: `n${i}`, label: (i % 6 === 0 ? 1 : 0) as 0 | 1, split: undefined, features: [i % 6 === 0 ? 1 : 0, (i * 7) % 11] }));
    await writeGenericData(dir, { nodes, edges: nodes.slice(1).map((n, i) => ({ src: n.id, dst: `n${i}`, relation: 'next' })), featureNames: ['a', 'b'] });
    const spec: DataSpec = { kind: 'generic', dir };
    expect(modelNameFor(spec)).toBe('fraud-gnn-my-data');
    const before = await latestVersion(ctx.store);
    const t = await trainCommand({ data: spec, epochs: 1 }, ctx);
    expect(t.name).toBe('fraud-gnn-my-data');
    expect(await latestVersion(ctx.store)).toBe(before);
    expect(await latestVersion(ctx.store, 'fraud-gnn-my-data')).toBe(t.version);
    const r = await evaluateCommand({ data: spec }, ctx);
    expect(r.version).toBe(t.version);
    expect(r.reportUrl).toContain('fraud-gnn-my-data');
  });
});
