export { SERVICE, SUBSCRIPTIONS, buildApp } from './app.js';
export { ImageEnhancerConfig } from './config.js';
export { ImagePipeline, PIPELINE_VERSION } from './domain/pipeline.js';
export { pipelineFromConfig, pipelineOptions } from './domain/from-config.js';
export { ImageErrorCode, ImageRejectedError } from './errors.js';
export { DEFAULT_BLOB_STORE_URL, DEMO_BUCKET, DEMO_KINDS, announceDemoSamples, beforeAfterSheet, type DemoSample } from './demo-samples.js';
export { storageNotification } from './domain/announce.js';
