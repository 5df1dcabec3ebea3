import { CampaignRequested, ImageEnhanced, LookbookBatchRequested, OrderPlaced, ProductUpdated } from '@commerce/contracts';
import { createBlobStore, type BlobStore } from '@commerce/blob-store';
import { createServiceApp, type BuiltService, type ServiceDeps } from '@commerce/service-kit';
import { Counter, Histogram } from 'prom-client';
import type { CreativeStudioConfig } from './config.js';
import { CampaignStore } from './domain/campaign.js';
import { providerFromConfig, type ProviderExtras } from './domain/from-config.js';
import { JsonStore } from './domain/json-store.js';
import { Projections } from './domain/projections.js';
import { TileCache } from './domain/render.js';
import { createCampaignRequestedHandler } from './handlers/campaign-requested.js';
import { createLookbookBatchHandler } from './handlers/lookbook-batch.js';
import { createImageEnhancedHandler, createOrderPlacedHandler, createProductUpdatedHandler } from './handlers/projections.js';
import { registerRoutes } from './routes.js';

export const SERVICE = 'creative-studio';
export const SUBSCRIPTIONS = {
  productUpdated: 'product-updated.creative-studio',
  orderPlaced: 'order-placed.creative-studio',
  imageEnhanced: 'image-enhanced.creative-studio',
  campaignRequested: 'campaign-requested.creative-studio',
  lookbookBatch: 'lookbook-batch-requested.creative-studio',
} as const;

/** The product photos' store: `{bucket}` in the setting names the product image bucket. */
export function productImageStore(c: Pick<CreativeStudioConfig, 'PRODUCT_IMAGES_URL' | 'PRODUCT_IMAGES_BUCKET' | 'BLOB_STORE_URL'>, fallback: BlobStore): BlobStore {
  return c.PRODUCT_IMAGES_URL ? createBlobStore(c.PRODUCT_IMAGES_URL.replace('{bucket}', c.PRODUCT_IMAGES_BUCKET)) : fallback;
}

/** Wiring only: stores, projections, provider, handlers, subscriptions, the HTTP surface. */
export interface BuildExtras extends ProviderExtras {
  /** Called with the time each lookbook took, publish included (benchmarks). */
  readonly onLookbook?: (ms: number) => void;
}

export async function buildApp(deps: ServiceDeps<CreativeStudioConfig>, extras: BuildExtras = {}): Promise<BuiltService> {
  const { config: c, bus, metricsRegistry: registers } = deps;
  const blobs = createBlobStore(c.BLOB_STORE_URL);
  const images = productImageStore(c, blobs);
  const json = new JsonStore(blobs);
  const projections = new Projections(json, c.STATE_PREFIX);
  const campaigns = new CampaignStore({ json, projections, prefix: c.STATE_PREFIX, batchSize: c.CAMPAIGN_BATCH_SIZE, signalsWindowDays: c.SIGNALS_WINDOW_DAYS, logger: deps.logger });
  const provider = providerFromConfig(c, deps.logger, extras);
  const tiles = new TileCache(async (key) => (await images.head(key)) ? images.get(key) : undefined);

  const app = await createServiceApp({
    name: SERVICE,
    logger: deps.logger,
    bus,
    metricsRegistry: registers,
    readinessChecks: { blobStore: async () => void (await blobs.list(c.STATE_PREFIX, { pageSize: 1 })) },
    healthDetails: () => ({ ...provider.health(), blobStore: blobs.description, productImages: images.description, batchSize: c.CAMPAIGN_BATCH_SIZE }),
  });
  registerRoutes(app, { campaigns, blobs, lookbookPrefix: c.LOOKBOOK_PREFIX });

  const projectionDeps = {
    projections,
    productImagesBucket: c.PRODUCT_IMAGES_BUCKET,
    metrics: { updates: new Counter({ name: 'creative_studio_projection_updates_total', help: 'Projection writes by projection and outcome.', labelNames: ['projection', 'outcome'], registers: [registers] }) },
  };
  const subscriptions = [
    bus.subscribe(ProductUpdated, SUBSCRIPTIONS.productUpdated, createProductUpdatedHandler(projectionDeps)),
    bus.subscribe(OrderPlaced, SUBSCRIPTIONS.orderPlaced, createOrderPlacedHandler(projectionDeps)),
    bus.subscribe(ImageEnhanced, SUBSCRIPTIONS.imageEnhanced, createImageEnhancedHandler(projectionDeps)),
    bus.subscribe(
      CampaignRequested,
      SUBSCRIPTIONS.campaignRequested,
      createCampaignRequestedHandler({ bus, campaigns, metrics: { campaigns: new Counter({ name: 'creative_studio_campaigns_total', help: 'Campaign requests by outcome (planned, resumed, already_completed).', labelNames: ['outcome'], registers: [registers] }) } }),
      // Planning reads every profile: one at a time per instance.
      { maxInFlight: 1 },
    ),
    bus.subscribe(
      LookbookBatchRequested,
      SUBSCRIPTIONS.lookbookBatch,
      createLookbookBatchHandler({
        bus,
        campaigns,
        concurrency: c.LOOKBOOK_CONCURRENCY,
        ...(extras.onLookbook ? { onLookbook: extras.onLookbook } : {}),
        lookbooks: {
          blobs,
          prefix: c.LOOKBOOK_PREFIX,
          tiles,
          provider,
          settings: { items: c.LOOKBOOK_ITEMS, looks: c.LOOKS, itemsPerLook: c.ITEMS_PER_LOOK, pageWidth: c.PAGE_WIDTH_PX, pageHeight: c.PAGE_HEIGHT_PX, frameMs: c.VIDEO_FRAME_MS },
        },
        metrics: {
          lookbooks: new Counter({ name: 'creative_studio_lookbooks_total', help: 'Lookbooks by outcome (ready or the failure reason).', labelNames: ['outcome'], registers: [registers] }),
          seconds: new Histogram({ name: 'creative_studio_lookbook_seconds', help: 'Time to make one lookbook, publish included.', buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 120], registers: [registers] }),
          cost: new Counter({ name: 'creative_studio_cost_minor_total', help: 'Provider spend in minor units of the campaign currency.', labelNames: ['currency'], registers: [registers] }),
        },
      }),
      { maxInFlight: c.BATCH_IN_FLIGHT },
    ),
  ];
  return { app, subscriptions };
}
