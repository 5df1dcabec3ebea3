import type { ModelPublishedEvent } from '@commerce/contracts';
import type { Logger } from 'pino';
import type { LoadedModel } from '../domain/gnn/registry.js';
import type { GnnScorer } from '../domain/gnn-scorer.js';

export interface ModelPublishedDeps {
  readonly scorer: Pick<GnnScorer, 'promote' | 'setShadow' | 'knows' | 'version'>;
  readonly load: (version: string) => Promise<LoadedModel>;
  readonly logger: Pick<Logger, 'info'>;
  readonly modelName: string;
}

/**
 * model-published -> the version is loaded from the blob store, warmed up, and swapped in between
 * two batches (role live) or scored beside the live one for comparison (role shadow). Nothing is
 * dropped or scored twice: orders in flight finish on the model their batch started with.
 * A failure to load (missing artifact) throws, so the message is retried and then dead-lettered.
 */
export function createModelPublishedHandler(deps: ModelPublishedDeps) {
  return async (event: ModelPublishedEvent): Promise<void> => {
    if (event.modelName !== deps.modelName) {
      deps.logger.info({ modelName: event.modelName }, 'model-published for another model; ignored');
      return;
    }
    if (event.role === 'live' && deps.scorer.knows(event.version)) return; // a redelivery, or already followed via latest.json
    const model = await deps.load(event.version);
    if (event.role === 'live') {
      deps.scorer.promote(model);
      deps.logger.info({ from: deps.scorer.version, to: model.modelVersion, thresholds: model.thresholds }, 'new live model; it takes over from the next batch');
    } else {
      deps.scorer.setShadow(model);
      deps.logger.info({ shadow: model.modelVersion, live: deps.scorer.version }, 'shadow model loaded; comparing on every batch');
    }
  };
}
