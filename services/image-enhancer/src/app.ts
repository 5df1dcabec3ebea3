import { ImageUploaded } from '@commerce/contracts';
import { createServiceApp, type BuiltService, type ServiceDeps } from '@commerce/service-kit';
import { Counter } from 'prom-client';
import type { ImageEnhancerConfig } from './config.js';
import { pipelineFromConfig, type ProviderExtras } from './domain/from-config.js';
import { bucketStores } from './domain/outputs.js';
import { createImageUploadedHandler } from './handlers/image-uploaded.js';

export const SERVICE = 'image-enhancer';
export const SUBSCRIPTIONS = { imageUploaded: 'image-uploaded.image-enhancer' } as const;

/** Wiring only: stores, pipeline and provider from config, the handler, the subscription, the HTTP surface. */
export async function buildApp(deps: ServiceDeps<ImageEnhancerConfig>, extras: ProviderExtras = {}): Promise<BuiltService> {
  const { config, bus, metricsRegistry } = deps;
  const fallbacks = new Counter({ name: 'image_enhancer_provider_fallbacks_total', help: 'Photos a cloud provider handed back to the local path.', registers: [metricsRegistry] });
  const pipeline = pipelineFromConfig(config, deps.logger, { ...extras, onFallback: (reason) => { fallbacks.inc(); extras.onFallback?.(reason); } });
  const app = await createServiceApp({
    name: SERVICE,
    logger: deps.logger,
    bus,
    metricsRegistry,
    healthDetails: () => ({ ...pipeline.provider.health(), recipe: pipeline.recipe, outputPrefix: config.OUTPUT_PREFIX }),
  });
  const handler = createImageUploadedHandler({
    bus,
    stores: bucketStores(config.BLOB_STORE_URL),
    pipeline,
    outputPrefix: config.OUTPUT_PREFIX,
    maxInputBytes: config.MAX_INPUT_BYTES,
    metrics: {
      skipped: new Counter({ name: 'image_enhancer_skipped_total', help: 'Notifications acked without work, by reason.', labelNames: ['reason'], registers: [metricsRegistry] }),
      reused: new Counter({ name: 'image_enhancer_reused_total', help: 'Images already enhanced with the same content and settings.', registers: [metricsRegistry] }),
      written: new Counter({ name: 'image_enhancer_objects_written_total', help: 'Variant and manifest objects written.', registers: [metricsRegistry] }),
    },
  });
  const imageUploaded = bus.subscribe(ImageUploaded, SUBSCRIPTIONS.imageUploaded, handler, { maxInFlight: config.IMAGE_CONCURRENCY });
  return { app, subscriptions: [imageUploaded] };
}
