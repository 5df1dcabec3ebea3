import type { ImageEnhancedEvent, OrderPlacedEvent, ProductUpdatedEvent } from '@commerce/contracts';
import type { Handler } from '@commerce/event-kit';
import type { Counter } from 'prom-client';
import type { Projections } from '../domain/projections.js';
import { productFromEvent } from '../domain/recs/index.js';

export interface ProjectionDeps {
  readonly projections: Projections;
  /** image-enhanced events of other buckets are not product photos. */
  readonly productImagesBucket: string;
  readonly metrics: { updates: Counter<'projection' | 'outcome'> };
}

/** product-updated -> catalogue/<productId>.json; the latest updatedAt wins, an older state is acked and dropped. */
export function createProductUpdatedHandler(deps: ProjectionDeps): Handler<ProductUpdatedEvent> {
  return async (event) => {
    const changed = await deps.projections.upsertProduct(productFromEvent(event));
    deps.metrics.updates.inc({ projection: 'catalogue', outcome: changed ? 'written' : 'unchanged' });
  };
}

/** order-placed -> the order record and the shopper's profile; a redelivered order folds to the same profile. */
export function createOrderPlacedHandler(deps: ProjectionDeps): Handler<OrderPlacedEvent> {
  return async (event) => {
    const changed = await deps.projections.foldOrder(event);
    deps.metrics.updates.inc({ projection: 'profiles', outcome: changed ? 'written' : 'unchanged' });
  };
}

/** image-enhanced -> which enhanced variant a lookbook shows for a product photo. */
export function createImageEnhancedHandler(deps: ProjectionDeps): Handler<ImageEnhancedEvent> {
  return async (event, ctx) => {
    if (event.source.bucket !== deps.productImagesBucket) {
      ctx.logger.debug({ bucket: event.source.bucket }, 'not the product image bucket: ignored');
      deps.metrics.updates.inc({ projection: 'images', outcome: 'ignored' });
      return;
    }
    const changed = await deps.projections.recordEnhanced(event);
    deps.metrics.updates.inc({ projection: 'images', outcome: changed ? 'written' : 'unchanged' });
  };
}
