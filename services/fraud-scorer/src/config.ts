import { Type, type Static } from '@sinclair/typebox';
import { serviceConfig } from '@commerce/service-kit';

const Threshold = (description: string) => Type.Optional(Type.Number({ minimum: 0, maximum: 1, description }));

export const FraudScorerConfig = serviceConfig({
  ORDER_PLACED_SUBSCRIPTION: Type.String({ default: 'order-placed.fraud-scorer', description: 'Subscription to score from (e.g. a recovery subscription seeked to a snapshot).' }),
  MODEL: Type.Union([Type.Literal('gnn'), Type.Literal('rules')], {
    default: 'gnn',
    description: 'gnn: the graph neural network (needs a trained model in the blob store); rules: the hand-set baseline.',
  }),
  MODEL_VERSION: Type.String({ default: 'latest', description: "Model version to load at start; 'latest' follows models/fraud-gnn/latest.json." }),
  MODEL_POLL_MS: Type.Integer({ minimum: 0, default: 60_000, description: "With MODEL_VERSION=latest: how often to check latest.json for a new version (0: only on model-published)." }),
  SHADOW_MODEL_VERSION: Type.String({ default: '', description: 'A candidate version scored beside the live one and compared, never published as the decision.' }),
  FRAUD_MODEL_BACKEND: Type.Union(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'].map((v) => Type.Literal(v)), {
    default: 'auto',
    description: 'TF.js backend; auto tries tensorflow-gpu, tensorflow, wasm, cpu in that order.',
  }),
  FRAUD_INFERENCE: Type.Union(['auto', 'fused', 'tfjs'].map((v) => Type.Literal(v)), {
    default: 'auto',
    description: 'Scoring engine. fused: the trained network as plain loops (checked against TF.js at load); tfjs: TF.js batches; auto: fused on wasm/cpu, TF.js on native kernels (tensorflow, tensorflow-gpu).',
  }),
  BLOB_STORE_URL: Type.String({ default: '.tmp/blobs', description: "Models, labels and graph snapshots: a directory, 'file:///dir' or 'gs://bucket[/prefix]'." }),
  GRAPH_STORE: Type.Union([Type.Literal('memory'), Type.Literal('bigtable')], { default: 'memory', description: 'memory: in-process graph with journal and snapshots in the blob store; bigtable: shared graph in Cloud Bigtable.' }),
  GRAPH_SNAPSHOT_EVERY: Type.Integer({ minimum: 1, default: 20_000, description: 'Memory store: orders between snapshots (the journal covers the rest).' }),
  BIGTABLE_PROJECT: Type.String({ default: '', description: 'Bigtable project (default: GOOGLE_CLOUD_PROJECT).' }),
  BIGTABLE_INSTANCE: Type.String({ default: 'fraud', description: 'Bigtable instance holding the graph table.' }),
  BIGTABLE_TABLE: Type.String({ default: 'fraud-graph' }),
  BIGTABLE_CREATE_TABLE: Type.Boolean({ default: false, description: 'Create the graph table (with its GC rule) when missing; always on with an emulator.' }),
  BIGTABLE_EMULATOR_HOST: Type.Optional(Type.String({ description: 'host:port of a Bigtable emulator (the table is then created if missing).' })),
  BATCH_MAX: Type.Integer({ minimum: 1, maximum: 4096, default: 256, description: 'Largest micro-batch handed to the model.' }),
  BATCH_WAIT_MS: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'Longest an order waits for company before its batch runs (default: 3 with TF.js; 0 with the fused engine, which gains nothing from batching).' })),
  EXPLAIN_ABOVE: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: "Orders scoring at least this get entity and feature reasons (one extra batched model run each); default: the review threshold in force." })),
  REVIEW_THRESHOLD: Threshold("Score at or above which an order goes to manual review (default: the model version's thresholds.json; rules: 0.5)."),
  DECLINE_THRESHOLD: Threshold("Score at or above which an order is declined (default: the model version's; rules: 0.85)."),
  ALERT_THRESHOLD: Threshold("Score at or above which a fraud-alert is raised (default: the model version's; rules: 0.9)."),
});
export type FraudScorerConfig = Static<typeof FraudScorerConfig>;

/** The rules baseline's thresholds, used when neither the model nor the environment sets them. */
export const RULES_THRESHOLDS = { review: 0.5, decline: 0.85, alert: 0.9 } as const;
