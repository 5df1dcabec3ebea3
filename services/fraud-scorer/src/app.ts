import { FraudLabelReported, ModelPublished, OrderPlaced } from '@commerce/contracts';
import { createBlobStore, type BlobStore } from '@commerce/blob-store';
import { createServiceApp, type BuiltService, type ServiceDeps } from '@commerce/service-kit';
import { RULES_THRESHOLDS, type FraudScorerConfig } from './config.js';
import { selectBackend } from './domain/gnn/backend.js';
import { attachFusedEngine } from './domain/gnn/fused.js';
import { latestVersion, loadModel, MODEL_NAME, type LoadedModel } from './domain/gnn/registry.js';
import { GnnScorer } from './domain/gnn-scorer.js';
import { MICRO_BATCH_DEFAULTS } from './domain/micro-batcher.js';
import { BigtableGraphStore } from './domain/graph-store/bigtable-store.js';
import type { GraphStore } from './domain/graph-store/graph-store.js';
import { MemoryGraphStore } from './domain/graph-store/memory-store.js';
import { LabelBook } from './domain/labels.js';
import { RulesScorer } from './domain/rules-scorer.js';
import type { Scorer } from './domain/scorer.js';
import { createLabelHandler } from './handlers/fraud-label-reported.js';
import { createModelPublishedHandler } from './handlers/model-published.js';
import { createOrderPlacedHandler, type ThresholdOverrides } from './handlers/order-placed.js';

export const SERVICE = 'fraud-scorer';

/** Promotes the version latest.json names when it differs from the live (or pending) one. */
async function followLatest(blobs: BlobStore, scorer: GnnScorer, load: (version: string) => Promise<LoadedModel>): Promise<void> {
  const version = await latestVersion(blobs);
  if (!version || scorer.knows(version)) return;
  scorer.promote(await load(version));
}
export const SUBSCRIPTIONS = {
  orderPlaced: 'order-placed.fraud-scorer',
  labels: 'fraud-label-reported.fraud-scorer',
  models: 'model-published.fraud-scorer',
} as const;

/** Test seams: a ready scorer (skips model loading) or another blob store. */
export interface BuildOverrides {
  readonly scorer?: Scorer;
  readonly blobs?: BlobStore;
}

/** Wiring only: blob store, backend, graph store, model, scorer, handlers, subscriptions, HTTP surface. */
export async function buildApp(deps: ServiceDeps<FraudScorerConfig>, overrides: BuildOverrides = {}): Promise<BuiltService> {
  const { config, bus, logger } = deps;
  const overridesT: ThresholdOverrides = { review: config.REVIEW_THRESHOLD, decline: config.DECLINE_THRESHOLD, alert: config.ALERT_THRESHOLD };
  const blobs = overrides.blobs ?? createBlobStore(config.BLOB_STORE_URL);
  const labels = new LabelBook(blobs);
  const loadedLabels = await labels.load();
  if (loadedLabels.skipped.length > 0) logger.warn({ skipped: loadedLabels.skipped.slice(0, 5) }, `${loadedLabels.skipped.length} stored label lines are not labels; skipped`);

  let scorer: Scorer;
  let gnn: GnnScorer | undefined;
  let graphStore: GraphStore | undefined;
  let prepare = async (loaded: LoadedModel): Promise<LoadedModel> => loaded;
  if (overrides.scorer) {
    scorer = overrides.scorer;
  } else if (config.MODEL === 'rules') {
    scorer = new RulesScorer();
  } else {
    const backend = await selectBackend(config.FRAUD_MODEL_BACKEND);
    logger.info({ backend: backend.backend, tried: backend.tried }, `model backend: ${backend.backend}`);
    // Without native kernels the network runs as plain loops, checked against TF.js at every load.
    const fusedWanted = config.FRAUD_INFERENCE === 'fused' || (config.FRAUD_INFERENCE === 'auto' && (backend.backend === 'wasm' || backend.backend === 'cpu'));
    prepare = async (loaded) => {
      if (!fusedWanted) return loaded;
      const { model, maxDifference } = await attachFusedEngine(loaded);
      if (model.fused) logger.info({ model: loaded.modelVersion, maxDifference }, `scoring ${loaded.modelVersion} with the fused engine (agrees with TF.js ${backend.backend} to ${maxDifference.toExponential(1)})`);
      else logger.error({ model: loaded.modelVersion, maxDifference }, `the fused engine disagrees with TF.js on ${loaded.modelVersion} by ${maxDifference}; scoring it with TF.js ${backend.backend} instead`);
      return model;
    };
    const model = await prepare(await loadModel(blobs, { version: config.MODEL_VERSION }).catch((err: unknown) => {
      throw new Error(`MODEL=gnn cannot start: ${(err as Error).message}. Train one with \`make train-fraud\` (BLOB_STORE_URL=${config.BLOB_STORE_URL}), or run with MODEL=rules.`, { cause: err });
    }));
    graphStore =
      config.GRAPH_STORE === 'bigtable'
        ? new BigtableGraphStore({
            projectId: config.BIGTABLE_PROJECT || config.GOOGLE_CLOUD_PROJECT,
            instanceId: config.BIGTABLE_INSTANCE,
            tableId: config.BIGTABLE_TABLE,
            createTable: config.BIGTABLE_CREATE_TABLE || config.BIGTABLE_EMULATOR_HOST !== undefined,
            ...(config.BIGTABLE_EMULATOR_HOST ? { emulatorHost: config.BIGTABLE_EMULATOR_HOST } : {}),
          })
        : new MemoryGraphStore({ blobs, snapshotEveryOrders: config.GRAPH_SNAPSHOT_EVERY, logger });
    const graph = await graphStore.open();
    gnn = new GnnScorer(
      { graph, store: graphStore, labels, backend: backend.backend, model },
      { maxBatch: config.BATCH_MAX, maxWaitMs: config.BATCH_WAIT_MS ?? (model.fused ? 0 : MICRO_BATCH_DEFAULTS.maxWaitMs), explainAbove: config.EXPLAIN_ABOVE ?? config.REVIEW_THRESHOLD },
    );
    if (config.SHADOW_MODEL_VERSION) gnn.setShadow(await prepare(await loadModel(blobs, { version: config.SHADOW_MODEL_VERSION })));
    logger.info({ model: model.modelVersion, thresholds: model.thresholds, graph: graphStore.description, shadow: config.SHADOW_MODEL_VERSION || null }, 'graph neural network loaded');
    scorer = gnn;
  }

  const app = await createServiceApp({
    name: SERVICE,
    logger,
    bus,
    metricsRegistry: deps.metricsRegistry,
    healthDetails: () => ({ model: scorer.version, backend: scorer.backend, labels: labels.size, ...(gnn ? { scorer: gnn.stats() } : {}) }),
  });
  const handler = createOrderPlacedHandler({ bus, scorer, thresholds: overridesT, defaults: RULES_THRESHOLDS });
  const subscriptions = [
    bus.subscribe(OrderPlaced, config.ORDER_PLACED_SUBSCRIPTION, handler),
    // Labels and model versions are a trickle: one streaming pull each is plenty.
    bus.subscribe(FraudLabelReported, SUBSCRIPTIONS.labels, createLabelHandler({ labels, userOf: (orderId) => gnn?.userOf(orderId) }), { streams: 1 }),
  ];
  if (gnn) {
    const live = gnn;
    const load = async (version: string): Promise<LoadedModel> => prepare(await loadModel(blobs, { version }));
    subscriptions.push(bus.subscribe(ModelPublished, SUBSCRIPTIONS.models, createModelPublishedHandler({ scorer: live, load, logger, modelName: MODEL_NAME }), { streams: 1 }));
    // model-published reaches one instance of a horizontally scaled scorer (one subscription);
    // every instance also follows latest.json, so all of them converge on the new version.
    if (config.MODEL_VERSION === 'latest' && config.MODEL_POLL_MS > 0) {
      const poll = setInterval(() => {
        void followLatest(blobs, live, load).catch((err: unknown) => logger.warn({ err }, 'could not check models/fraud-gnn/latest.json; keeping the current model'));
      }, config.MODEL_POLL_MS);
      poll.unref();
      app.addHook('onClose', async () => clearInterval(poll));
    }
  }
  app.addHook('onClose', async () => {
    // Order matters: no handler may still be committing when the final snapshot is taken.
    await Promise.all(subscriptions.map((s) => s.close()));
    await graphStore?.close();
    await gnn?.close();
  });
  return { app, subscriptions };
}

