export { SERVICE, SUBSCRIPTIONS, buildApp } from './app.js';
export { ImageEnhancerConfig } from './config.js';
export { ImagePipeline, PIPELINE_VERSION } from './domain/pipeline.js';
export { pipelineFromConfig, pipelineOptions } from './domain/from-config.js';
export { ImageErrorCode, ImageRejectedError } from './errors.js';
