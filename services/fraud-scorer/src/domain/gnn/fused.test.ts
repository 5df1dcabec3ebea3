import { createWorld } from '@commerce/synthetic';
import { selectBackend } from './backend.js';
import { EntityGraph, FEATURES, OrderRelations } from './features.js';
import { FUSED_TOLERANCE, FusedGnn, attachFusedEngine, probeSubgraphs } from './fused.js';
import { ARTIFACT_FORMAT, FraudGnn, MODEL_DEFAULTS, type ModelArtifact, type ModelConfig } from './model.js';
import type { LoadedModel } from './registry.js';
import { mulberry32, sampleOrder } from './sampler.js';

/** A model with random (not trained) weights, normaliser and calibration: any network the trainer could produce. */
function randomArtifact(config: Partial<ModelConfig>, layout = { features: [...FEATURES] as string[], relations: [...OrderRelations] as string[] }, seed = 3): ModelArtifact {
  const c: ModelConfig = { ...MODEL_DEFAULTS, ...config };
  const rand = mulberry32(seed);
  const D = layout.features.length;
  const R = layout.relations.length;
  const H = c.hidden;
  const shapes: Record<string, number[]> = { w1e: [R, 3 * D, H], b1e: [R, 1, H], w1o: [D + R * D, H], b1o: [H], w2: [H + R * H, H], b2: [H], wOut: [H, 1], bOut: [1] };
  const weights = Object.fromEntries(
    Object.entries(shapes).map(([name, shape]) => {
      const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (rand() * 2 - 1) * 0.4);
      return [name, { shape, data: Buffer.from(data.buffer).toString('base64') }];
    }),
  );
  const normaliser = { mean: Array.from({ length: D }, () => rand() - 0.5), std: Array.from({ length: D }, () => 0.5 + rand()) };
  return { format: ARTIFACT_FORMAT, config: c, features: layout.features, relations: layout.relations, weights, normaliser, calibration: { a: 1.7, b: -2.1 } };
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('the fused engine computes what the TF.js model computes', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('on real order neighbourhoods from synthetic traffic, including padded slots and first orders', async () => {
    const artifact = randomArtifact({});
    const tfModel = FraudGnn.fromArtifact(artifact);
    const graph = new EntityGraph();
    const subgraphs = [];
    for (const o of createWorld({ seed: 5, shoppers: 300, fraudShare: 0.05 }).orders({ count: 600, ratePerSecond: 0.05 })) {
      graph.ingest(o.event);
      subgraphs.push(sampleOrder(graph, o.event.orderId, { fanout: 8 }));
    }
    const reference = await tfModel.predict(subgraphs);
    const fused = new FusedGnn(artifact).predict(subgraphs);
    tfModel.dispose();
    expect(maxDiff(reference.probabilities, fused.probabilities)).toBeLessThan(FUSED_TOLERANCE);
    expect(maxDiff(reference.raw, fused.raw)).toBeLessThan(FUSED_TOLERANCE);
    // Not a degenerate network: the scores actually vary from order to order.
    expect(Math.max(...fused.probabilities) - Math.min(...fused.probabilities)).toBeGreaterThan(0.05);
  });

  it('for the feature-only baseline, generic graphs with several first-hop neighbours, and any layer width', async () => {
    const generic = { features: ['a', 'b', 'c', 'd', 'e'], relations: ['x', 'y'] };
    // Widths 12 and 5 are not multiples of the engine's 8-output blocks: the remainder path too.
    for (const artifact of [randomArtifact({ graph: false }), randomArtifact({ hop1Fanout: 3, fanout: 4 }, generic), randomArtifact({ hidden: 12 }), randomArtifact({ hidden: 5, hop1Fanout: 2, fanout: 3 }, generic)]) {
      const tfModel = FraudGnn.fromArtifact(artifact, null);
      const probes = probeSubgraphs(tfModel, 64, 9);
      const reference = (await tfModel.predict(probes)).probabilities;
      tfModel.dispose();
      expect(maxDiff(reference, new FusedGnn(artifact).predict(probes).probabilities)).toBeLessThan(FUSED_TOLERANCE);
    }
  });

  it('is attached to a loaded model only after it agrees with TF.js, and refuses a subgraph of another shape', async () => {
    const artifact = randomArtifact({});
    const model = FraudGnn.fromArtifact(artifact);
    const loaded: LoadedModel = { name: 'fraud-gnn', version: 'v1', modelVersion: 'fraud-gnn@v1', model, thresholds: { review: 0.5, decline: 0.9, alert: 0.95 }, manifest: { version: 'v1', createdAt: '2026-11-22T00:00:00.000Z' } };
    const { model: prepared, maxDifference } = await attachFusedEngine(loaded);
    expect(prepared.fused).toBeInstanceOf(FusedGnn);
    expect(maxDifference).toBeLessThan(FUSED_TOLERANCE);
    const [probe] = probeSubgraphs(model, 1);
    model.dispose();
    expect(() => prepared.fused!.logit({ ...probe!, fanout: 4 })).toThrow(/does not have the shape the model was trained for/);
  });
});

describe('explanations by occlusion with the fused engine', () => {
  it('give the same probabilities as predicting each edited subgraph in full', async () => {
    await selectBackend('wasm');
    const artifact = randomArtifact({}, undefined, 11);
    const tfModel = FraudGnn.fromArtifact(artifact);
    const fused = new FusedGnn(artifact);
    const graph = new EntityGraph();
    let last;
    for (const o of createWorld({ seed: 8, shoppers: 200 }).orders({ count: 400, ratePerSecond: 0.05 })) {
      graph.ingest(o.event);
      last = sampleOrder(graph, o.event.orderId, { fanout: 8 });
    }
    const s = last!;
    const column = FEATURES.indexOf('log_account_age_days');
    const edited = [
      ...OrderRelations.map((_, r) => {
        const hop1 = s.hop1.slice();
        const hop2 = s.hop2.slice();
        hop1[r] = 0;
        hop2.fill(0, r * 8, (r + 1) * 8);
        return { ...s, hop1, hop2 };
      }),
      (() => {
        const rows = s.rows.slice();
        rows[s.self * FEATURES.length + column] = Math.log1p(365);
        return { ...s, rows };
      })(),
    ];
    const reference = (await tfModel.predict(edited)).probabilities;
    tfModel.dispose();
    const fast = fused.occlusions(s, [...OrderRelations.map((_, r) => ({ relation: r })), { column, value: Math.log1p(365) }]);
    expect(maxDiff(reference, fast)).toBeLessThan(FUSED_TOLERANCE);
    // Removing an entity changes the score: the variants are not all the base score.
    const base = fused.predict([s]).probabilities[0]!;
    expect(Array.from(fast).some((p) => Math.abs(p - base) > 1e-3)).toBe(true);
  });
});
