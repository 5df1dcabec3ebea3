/** The graph model's public surface, for the online scorer and the training commands. */
export { selectBackend, parseBackendSetting, BackendUnavailableError, type BackendSelection, type ModelBackend, type ModelBackendSetting } from './backend.js';
export { EntityGraph, FEATURES, FEATURE_DIM, GRAPH_DEFAULTS, NodeTypes, OrderRelations, Normaliser, type GraphOptions, type NodeType, type OrderRelation } from './features.js';
export { sampleOrder, collate, SAMPLER_DEFAULTS, type Batch, type SamplerOptions, type Subgraph } from './sampler.js';
export { GenericGraph, sampleNode, GENERIC_SAMPLER_DEFAULTS, type GenericEdge, type GenericNode, type Split } from './generic-graph.js';
export {
  FraudGnn,
  MODEL_DEFAULTS,
  TRAIN_DEFAULTS,
  ORDER_LAYOUT,
  ARTIFACT_FORMAT,
  type GraphLayout,
  type ModelArtifact,
  type ModelConfig,
  type Prediction,
  type TrainHooks,
} from './model.js';
export {
  MODEL_NAME,
  Decisions,
  decide,
  latestVersion,
  loadModel,
  readThresholds,
  resolveVersion,
  saveModel,
  setLatest,
  writeThresholds,
  type Decision,
  type LoadedModel,
  type Manifest,
  type Thresholds,
} from './registry.js';
export { rocAuc, prAuc, recallAtFpr, brierScore, expectedCalibrationError, f1Macro, thresholdAtFpr } from './metrics.js';
