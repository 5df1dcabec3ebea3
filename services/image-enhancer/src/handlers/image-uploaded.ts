import { ImageEnhanced, type ImageUploadedEvent } from '@commerce/contracts';
import { BlobNotFoundError, type BlobStore } from '@commerce/blob-store';
import { derivedEventId, type EventBus, type Handler } from '@commerce/event-kit';
import type { Counter } from 'prom-client';
import { ImageErrorCode, ImageRejectedError } from '../errors.js';
import { outputDir, readManifest, writeOutputs, type Manifest } from '../domain/outputs.js';
import { sha256, type ImagePipeline } from '../domain/pipeline.js';

/** Extensions and content types that mean "this is meant to be an image". */
const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp|avif|heic|heif|gif|tiff?)$/i;

export type SkipReason = 'own_output' | 'not_image' | 'superseded' | 'deleted';

export interface ImageUploadedDeps {
  readonly bus: EventBus;
  readonly stores: (bucket: string) => BlobStore;
  readonly pipeline: ImagePipeline;
  readonly outputPrefix: string;
  readonly maxInputBytes: number;
  readonly metrics: { skipped: Counter<'reason'>; reused: Counter; written: Counter };
}

export function isImageObject(e: Pick<ImageUploadedEvent, 'name' | 'contentType'>): boolean {
  return (e.contentType ?? '').toLowerCase().startsWith('image/') || IMAGE_EXTENSIONS.test(e.name);
}

/**
 * image-uploaded -> variants in the blob store -> image-enhanced. Idempotent: outputs are keyed
 * by content hash and settings, so a duplicate or a redelivery finds the manifest and only
 * announces it again (with the same derived event id, which consumers deduplicate).
 */
export function createImageUploadedHandler(deps: ImageUploadedDeps): Handler<ImageUploadedEvent> {
  const skip = (reason: SkipReason): void => deps.metrics.skipped.inc({ reason });
  return async (event, ctx) => {
    const log = ctx.logger.child({ bucket: event.bucket, object: event.name, generation: event.generation });
    if (event.name.startsWith(deps.outputPrefix)) return skip('own_output');
    if (!isImageObject(event)) {
      log.info({ contentType: event.contentType }, 'not an image: ignored');
      return skip('not_image');
    }
    const object = `gs://${event.bucket}/${event.name}#${event.generation}`;
    if (Number(event.size) > deps.maxInputBytes) {
      throw new ImageRejectedError(object, `the notification says ${event.size} bytes, more than the limit of ${deps.maxInputBytes}`, ImageErrorCode.TooLarge, 'resize it before upload or raise MAX_INPUT_BYTES');
    }
    const store = deps.stores(event.bucket);
    const info = await store.head(event.name);
    if (!info) {
      log.info('object no longer exists: nothing to enhance');
      return skip('deleted');
    }
    if (info.generation !== undefined && info.generation !== event.generation) {
      // A newer generation has its own notification; enhancing this one would be wasted work.
      log.info({ current: info.generation }, 'object was overwritten since: this generation is superseded');
      return skip('superseded');
    }
    let bytes: Buffer;
    try {
      bytes = await store.get(event.name);
    } catch (err) {
      if (err instanceof BlobNotFoundError) return skip('deleted');
      throw err;
    }

    const { pipeline } = deps;
    const contentHash = sha256(bytes);
    const dir = outputDir(deps.outputPrefix, contentHash, pipeline.recipe);
    let manifest: Manifest | undefined = await readManifest(store, dir);
    if (manifest) {
      deps.metrics.reused.inc();
      log.info({ dir }, 'already enhanced (same content and settings): announcing the existing variants');
    } else {
      const result = await pipeline.process(bytes, object, ctx.signal);
      const out = await writeOutputs(store, dir, pipeline.recipe, result, { sourceBucket: event.bucket, sourceObject: event.name, sourceGeneration: event.generation });
      deps.metrics.written.inc(out.written);
      manifest = out.manifest;
      log.info({ dir, variants: manifest.variants.length, operations: manifest.operations, provider: manifest.provider, timingsMs: manifest.timingsMs }, 'enhanced');
    }
    await deps.bus.publish(
      ImageEnhanced,
      {
        source: { bucket: event.bucket, name: event.name, generation: event.generation, contentHash },
        variants: manifest.variants,
        metricsBefore: manifest.metricsBefore,
        metricsAfter: manifest.metricsAfter,
        operations: manifest.operations,
        provider: manifest.provider,
        timingsMs: manifest.timingsMs,
        enhancedAt: new Date().toISOString(),
      },
      { parent: ctx, eventId: derivedEventId(ctx.eventId, 'ImageEnhanced', ctx.publishTime) },
    );
  };
}
