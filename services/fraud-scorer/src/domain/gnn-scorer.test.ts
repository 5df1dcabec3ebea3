import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBlobStore, type BlobStore } from '@commerce/blob-store';
import type { SyntheticOrder } from '@commerce/synthetic';
import { selectBackend } from './gnn/backend.js';
import { loadModel, type LoadedModel } from './gnn/registry.js';
import { FUSED_BACKEND, GnnScorer } from './gnn-scorer.js';
import { attachFusedEngine } from './gnn/fused.js';
import { MemoryGraphStore } from './graph-store/memory-store.js';
import { LabelBook } from './labels.js';
import type { Score } from './scorer.js';
import { trainCommand } from '../training/commands.js';
import { generateOrders } from '../training/synthetic-dataset.js';

let blobs: BlobStore;
let backend: string;
let v1: string;
let v2: string;
/** A stream the models never trained on: another seed, and more fraud so rings show up. */
let stream: SyntheticOrder[];

beforeAll(async () => {
  blobs = new LocalBlobStore({ root: mkdtempSync(join(tmpdir(), 'gnn-scorer-')) });
  backend = (await selectBackend('auto')).backend;
  const ctx = { store: blobs, backend: await selectBackend('auto'), log: () => undefined };
  v1 = (await trainCommand({ data: { kind: 'synthetic', options: { orders: 3000, seed: 5 } }, epochs: 3, version: 'v1' }, ctx)).version;
  v2 = (await trainCommand({ data: { kind: 'synthetic', options: { orders: 3000, seed: 6 } }, epochs: 1, version: 'v2', publish: false }, ctx)).version;
  stream = generateOrders({ orders: 1200, seed: 77, fraudShare: 0.1 });
}, 120_000);

async function scorerOn(root: BlobStore, model: LoadedModel, snapshotEveryOrders = 1_000_000) {
  const store = new MemoryGraphStore({ blobs: root, snapshotEveryOrders });
  const graph = await store.open();
  const labels = new LabelBook(root);
  const scorer = new GnnScorer({ graph, store, labels, backend, model }, { maxWaitMs: 1 });
  return { scorer, store, graph, labels };
}

/** Scores orders the way the service does: shoppers in sequence, different shoppers concurrently. */
async function scoreAll(scorer: GnnScorer, orders: readonly SyntheticOrder[]): Promise<Map<string, Score>> {
  const byUser = new Map<string, SyntheticOrder[]>();
  for (const o of orders) byUser.set(o.event.userId, [...(byUser.get(o.event.userId) ?? []), o]);
  const out = new Map<string, Score>();
  const lanes = [...byUser.values()];
  // Keep global time order roughly intact: 16 lanes at a time, like MAX_IN_FLIGHT.
  for (let i = 0; i < lanes.length; i += 16) {
    await Promise.all(lanes.slice(i, i + 16).map(async (lane) => {
      for (const o of lane) {
        out.set(o.event.orderId, await scorer.score(o.event));
        await scorer.settle(o.event);
      }
    }));
  }
  return out;
}

/** One at a time in time order: the graph sees exactly the same sequence however the run is split. */
async function scoreInOrder(scorer: GnnScorer, orders: readonly SyntheticOrder[]): Promise<Map<string, Score>> {
  const out = new Map<string, Score>();
  for (const o of orders) {
    out.set(o.event.orderId, await scorer.score(o.event));
    await scorer.settle(o.event);
  }
  return out;
}

describe('GnnScorer', () => {
  it('scores every order once with the live version, explains flagged ring orders by the shared entities, and marks cold starts', async () => {
    const { scorer } = await scorerOn(new LocalBlobStore({ root: mkdtempSync(join(tmpdir(), 'gnn-a-')) }), await loadModel(blobs, { version: v1 }));
    const orders = stream.slice(0, 600);
    const scores = await scoreAll(scorer, orders);
    expect(scores.size).toBe(orders.length);
    for (const s of scores.values()) {
      expect(s.score).toBeGreaterThanOrEqual(0);
      expect(s.score).toBeLessThanOrEqual(1);
      expect(s.modelVersion).toBe(`fraud-gnn@${v1}`);
    }
    // Cold start: exactly the first order of each shopper.
    const firstOfUser = new Set<string>();
    const seenUsers = new Set<string>();
    for (const o of orders) {
      if (seenUsers.has(o.event.userId)) continue;
      seenUsers.add(o.event.userId);
      firstOfUser.add(o.event.orderId);
    }
    for (const o of orders) expect(scores.get(o.event.orderId)!.coldStart).toBe(firstOfUser.has(o.event.orderId));
    expect(scores.get(orders[0]!.event.orderId)!.reasons.some((r) => r.code === 'cold_start')).toBe(true);

    // The model separates fraud from honest orders on data it never saw.
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
    const fraud = orders.filter((o) => o.truth.fraud).map((o) => scores.get(o.event.orderId)!.score);
    const honest = orders.filter((o) => !o.truth.fraud).map((o) => scores.get(o.event.orderId)!.score);
    expect(fraud.length).toBeGreaterThan(10);
    expect(mean(fraud)).toBeGreaterThan(5 * mean(honest));

    // Flagged ring orders name a shared entity and draw the other accounts on it.
    const rings = orders.filter((o) => o.truth.fraud && o.truth.pattern === 'ring' && scores.get(o.event.orderId)!.score >= 0.3);
    expect(rings.length).toBeGreaterThan(0);
    const explained = rings.filter((o) => {
      const s = scores.get(o.event.orderId)!;
      return s.reasons.some((r) => r.kind === 'entity' && /shared with \d+ accounts/.test(r.description)) && s.neighbourhood.entities.filter((e) => e.type === 'user').length >= 3;
    });
    expect(explained.length).toBeGreaterThan(rings.length / 2);
    const ringScores = explained.map((o) => scores.get(o.event.orderId)!);
    expect(ringScores.some((s) => s.neighbourhood.pattern === 'ring')).toBe(true);
    for (const s of ringScores) for (const e of s.neighbourhood.edges) expect(s.neighbourhood.entities.some((x) => `${x.type}:${x.id}` === e.from)).toBe(true);
    await scorer.close();
  }, 120_000);

  it('labels reported for earlier orders show up in later reasons as confirmed fraud on the shared entities', async () => {
    const root = new LocalBlobStore({ root: mkdtempSync(join(tmpdir(), 'gnn-l-')) });
    const { scorer, labels } = await scorerOn(root, await loadModel(blobs, { version: v1 }));
    const early = stream.slice(0, 500);
    await scoreAll(scorer, early);
    for (const o of early.filter((x) => x.truth.fraud)) {
      await labels.record({ labelId: `l-${o.event.orderId}`, orderId: o.event.orderId, label: 'fraud', source: 'chargeback', reportedAt: '2026-11-25T00:00:00.000Z' }, scorer.userOf(o.event.orderId));
    }
    const later = await scoreAll(scorer, stream.slice(500, 900));
    const mentions = [...later.values()].flatMap((s) => s.reasons).filter((r) => /shared with \d+ accounts, \d+ confirmed fraud/.test(r.description));
    expect(mentions.length).toBeGreaterThan(0);
    const flagged = [...later.values()].filter((s) => s.neighbourhood.entities.some((e) => e.confirmedFraud));
    expect(flagged.length).toBeGreaterThan(0);
    // Stored where the train command reads labels from, and read back by a fresh book.
    const again = new LabelBook(root);
    expect((await again.load()).labels).toBe(early.filter((x) => x.truth.fraud).length);
    await scorer.close();
  }, 60_000);

  it('a redelivered order gets the very same score and changes nothing in the graph', async () => {
    const { scorer, graph } = await scorerOn(new LocalBlobStore({ root: mkdtempSync(join(tmpdir(), 'gnn-b-')) }), await loadModel(blobs, { version: v1 }));
    await scoreAll(scorer, stream.slice(0, 200));
    const before = graph.orderCount;
    const again = await scorer.score(stream[150]!.event);
    const fresh = await scoreAll(scorer, [stream[150]!]);
    expect(graph.orderCount).toBe(before);
    expect(fresh.get(stream[150]!.event.orderId)).toEqual(again);
    await scorer.close();
  }, 60_000);

  it('restarted from the blob store after a crash, it holds the same graph and gives the same scores as one that never stopped', async () => {
    const model = await loadModel(blobs, { version: v1 });
    const uninterrupted = await scorerOn(new LocalBlobStore({ root: mkdtempSync(join(tmpdir(), 'gnn-c1-')) }), model);
    const reference = await scoreInOrder(uninterrupted.scorer, stream.slice(0, 500));

    const root = new LocalBlobStore({ root: mkdtempSync(join(tmpdir(), 'gnn-c2-')) });
    const first = await scorerOn(root, await loadModel(blobs, { version: v1 }), 150); // snapshots every 150 orders, journal between
    await scoreInOrder(first.scorer, stream.slice(0, 320));
    // Crash: no close(), no final snapshot. Whatever was committed must come back.
    const second = await scorerOn(root, await loadModel(blobs, { version: v1 }), 150);
    expect(second.graph.orderCount).toBe(320);
    expect(second.store.stats().restoredFromSnapshot).toBeGreaterThan(0);
    expect(second.store.stats().restoredFromJournal).toBeGreaterThan(0);
    const after = await scoreInOrder(second.scorer, stream.slice(320, 500));
    for (const o of stream.slice(320, 500)) expect(after.get(o.event.orderId)!.score).toBeCloseTo(reference.get(o.event.orderId)!.score, 4);
    await second.store.close();
    const third = await scorerOn(root, await loadModel(blobs, { version: v1 }), 150);
    expect(third.graph.orderCount).toBe(500);
    for (const s of [uninterrupted, first, second, third]) await s.scorer.close();
  }, 120_000);

  it('a promoted model takes over between batches: no order is dropped or scored twice, and versions never go back', async () => {
    const { scorer } = await scorerOn(new LocalBlobStore({ root: mkdtempSync(join(tmpdir(), 'gnn-d-')) }), await loadModel(blobs, { version: v1 }));
    const orders = stream.slice(0, 400);
    const v2Name = `fraud-gnn@${v2}`;
    const results: Array<{ version: string; startedAfterSwapSeen: boolean }> = [];
    let swapSeen = false;
    const newer = await loadModel(blobs, { version: v2 });
    await Promise.all(
      orders.map(async (o, i) => {
        await new Promise((r) => setTimeout(r, Math.floor(i / 20)));
        if (i === 200) scorer.promote(newer);
        const startedAfterSwapSeen = swapSeen;
        const s = await scorer.score(o.event);
        if (s.modelVersion === v2Name) swapSeen = true;
        results.push({ version: s.modelVersion!, startedAfterSwapSeen });
      }),
    );
    expect(results).toHaveLength(orders.length);
    expect(results.every((r) => r.version === `fraud-gnn@${v1}` || r.version === v2Name)).toBe(true);
    expect(results.filter((r) => r.version === v2Name).length).toBeGreaterThan(0);
    // Once any order has come back scored by the new version, no order started later gets the old one.
    expect(results.filter((r) => r.startedAfterSwapSeen).every((r) => r.version === v2Name)).toBe(true);
    expect(scorer.version).toBe(`fraud-gnn@${v2}`);
    await scorer.close();
  }, 60_000);

  it('a shadow model scores beside the live one and agreement is reported; the same model as shadow agrees completely', async () => {
    const { scorer } = await scorerOn(new LocalBlobStore({ root: mkdtempSync(join(tmpdir(), 'gnn-e-')) }), await loadModel(blobs, { version: v1 }));
    scorer.setShadow(await loadModel(blobs, { version: v1 }));
    const scores = await scoreAll(scorer, stream.slice(0, 200));
    for (const s of scores.values()) {
      expect(s.shadow?.modelVersion).toBe(`fraud-gnn@${v1}`);
      expect(s.shadow!.score).toBeCloseTo(s.score, 4);
    }
    expect(scorer.shadowStats()).toMatchObject({ decisionAgreement: 1, modelVersion: `fraud-gnn@${v1}` });
    expect(scorer.shadowStats()!.orders).toBeGreaterThanOrEqual(200);

    scorer.setShadow(await loadModel(blobs, { version: v2 }));
    const later = await scoreAll(scorer, stream.slice(200, 400));
    expect([...later.values()].every((s) => s.shadow?.modelVersion === `fraud-gnn@${v2}` && s.modelVersion === `fraud-gnn@${v1}`)).toBe(true);
    const stats = scorer.shadowStats()!;
    expect(stats.modelVersion).toBe(`fraud-gnn@${v2}`);
    expect(stats.meanAbsDifference).toBeGreaterThan(0); // a different model scores differently
    await scorer.close();
  }, 60_000);

  it('with the fused engine attached, scores, reasons and rings equal those TF.js gives, and say fused-cpu', async () => {
    const orders = stream.slice(0, 500);
    const { scorer: viaTf } = await scorerOn(new LocalBlobStore({ root: mkdtempSync(join(tmpdir(), 'gnn-tf-')) }), await loadModel(blobs, { version: v1 }));
    const { model: withFused } = await attachFusedEngine(await loadModel(blobs, { version: v1 }));
    const { scorer: viaFused } = await scorerOn(new LocalBlobStore({ root: mkdtempSync(join(tmpdir(), 'gnn-fused-')) }), withFused);
    const a = await scoreInOrder(viaTf, orders);
    const b = await scoreInOrder(viaFused, orders);
    expect(viaFused.backend).toBe(FUSED_BACKEND);
    let explained = 0;
    for (const o of orders) {
      const x = a.get(o.event.orderId)!;
      const y = b.get(o.event.orderId)!;
      expect(y.backend).toBe(FUSED_BACKEND);
      expect(Math.abs(x.score - y.score)).toBeLessThanOrEqual(2e-4);
      // Reasons near the minimum delta may differ by rounding; the leading ones must not.
      expect(y.reasons.slice(0, 2).map((r) => r.code)).toEqual(x.reasons.slice(0, 2).map((r) => r.code));
      if (x.reasons.some((r) => r.kind === 'entity')) explained += 1;
    }
    expect(explained).toBeGreaterThan(0);
    await viaTf.close();
    await viaFused.close();
  }, 60_000);
});
