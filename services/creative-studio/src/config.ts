import { Type, type Static } from '@sinclair/typebox';
import { BaseConfig, serviceConfig } from '@commerce/service-kit';

/** Every setting of the creative studio, with its default and why. */
const own = {
  BLOB_STORE_URL: Type.String({
    minLength: 1,
    default: '.tmp/blobs',
    description: 'Projections, campaign plans and lookbooks: a directory or gs://bucket/prefix, shared by every instance.',
  }),
  STATE_PREFIX: Type.String({ pattern: '^[^/].*/$', default: 'creative-studio/', description: 'Key prefix of projections and campaign state in the blob store.' }),
  LOOKBOOK_PREFIX: Type.String({ pattern: '^[^/].*/$', default: 'lookbooks/', description: 'Key prefix of the lookbooks (manifest, page, images, video) in the blob store.' }),
  PRODUCT_IMAGES_URL: Type.Optional(
    Type.String({ minLength: 1, description: "Where product images (ProductUpdated.imageKeys) and their enhanced variants live; {bucket} is replaced by the bucket name. BLOB_STORE_URL when unset." }),
  ),
  PRODUCT_IMAGES_BUCKET: Type.String({ minLength: 3, default: 'shop-product-images', description: 'The bucket of the product images; image-enhanced events from other buckets are ignored.' }),
  CAMPAIGN_BATCH_SIZE: Type.Integer({ minimum: 1, maximum: 1000, default: 25, description: 'Shoppers per lookbook-batch-requested work item.' }),
  BATCH_IN_FLIGHT: Type.Integer({ minimum: 1, maximum: 64, default: 2, description: 'Batches one instance renders at once (= flow control of its batch subscription).' }),
  LOOKBOOK_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 2, description: 'Lookbooks rendered at once inside a batch; about one per core.' }),
  LOOKBOOK_ITEMS: Type.Integer({ minimum: 1, maximum: 24, default: 8, description: 'Products recommended per lookbook.' }),
  LOOKS: Type.Integer({ minimum: 1, maximum: 6, default: 2, description: 'Looks (pages after the cover) per lookbook.' }),
  ITEMS_PER_LOOK: Type.Integer({ minimum: 1, maximum: 9, default: 4, description: 'Products per look page.' }),
  PAGE_WIDTH_PX: Type.Integer({ minimum: 200, maximum: 4096, default: 1080, description: 'Page image width (4:5 portrait, the feed format).' }),
  PAGE_HEIGHT_PX: Type.Integer({ minimum: 200, maximum: 4096, default: 1350, description: 'Page image height.' }),
  VIDEO_FRAME_MS: Type.Integer({ minimum: 100, maximum: 10_000, default: 1600, description: 'How long each page shows in the slideshow.' }),
  SIGNALS_WINDOW_DAYS: Type.Integer({ minimum: 1, default: 90, description: 'Orders this recent feed popularity and co-purchase at planning time.' }),
  CREATIVE_PROVIDER: Type.Union([Type.Literal('local'), Type.Literal('vertex')], { default: 'local', description: 'local (offline: templates, sharp) or vertex (Gemini copy and hero image, Veo video; local for what the budget does not cover).' }),
  VERTEX_PROJECT: Type.Optional(Type.String({ minLength: 1, description: 'Vertex AI project; GOOGLE_CLOUD_PROJECT when unset.' })),
  VERTEX_LOCATION: Type.String({ default: 'global', description: 'Vertex AI location.' }),
  VERTEX_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://', description: 'Endpoint override (tests, private endpoints).' })),
  VERTEX_TEXT_MODEL: Type.String({ default: 'gemini-2.5-flash', description: 'Model for titles and blurbs.' }),
  VERTEX_IMAGE_MODEL: Type.String({ default: 'gemini-2.5-flash-image', description: 'Image-output model for the hero image.' }),
  VERTEX_VIDEO_MODEL: Type.String({ default: 'veo-2.0-generate-001', description: 'Veo model for the video.' }),
  VERTEX_VIDEO_OUTPUT_GCS_URI: Type.Optional(Type.String({ pattern: '^gs://', description: 'Where Veo writes videos (gs://bucket/prefix); without it videos are made locally.' })),
  VERTEX_VIDEO_SECONDS: Type.Integer({ minimum: 1, maximum: 8, default: 5, description: 'Length of a Veo video.' }),
  VERTEX_TEXT_COST_USD: Type.Number({ minimum: 0, default: 0.002, description: 'Charged per copy call (a few hundred tokens in and out).' }),
  VERTEX_IMAGE_COST_USD: Type.Number({ minimum: 0, default: 0.039, description: 'Published price of one Gemini 2.5 Flash Image output image.' }),
  VERTEX_VIDEO_COST_USD_PER_SECOND: Type.Number({ minimum: 0, default: 0.5, description: 'Published Veo 2 price per second of video.' }),
  VERTEX_RATE_PER_MINUTE: Type.Number({ minimum: 0.1, default: 60, description: 'Client-side rate limit of Gemini calls per instance.' }),
  VERTEX_VIDEO_RATE_PER_MINUTE: Type.Number({ minimum: 0.1, default: 10, description: 'Client-side rate limit of Veo requests per instance (Veo 2 quota: 10/min per project).' }),
  VERTEX_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 60_000, description: 'Per Gemini asset, every attempt included; then local.' }),
  VERTEX_VIDEO_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 600_000, description: 'Per Veo video, polling included; then local.' }),
  VERTEX_VIDEO_POLL_MS: Type.Integer({ minimum: 10, default: 10_000, description: 'Interval between polls of a Veo operation.' }),
  VERTEX_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 10, default: 4, description: 'Attempts on 429/5xx/network errors, with jittered exponential backoff.' }),
  VERTEX_RETRY_BASE_MS: Type.Integer({ minimum: 0, default: 1000, description: 'Backoff base; the n-th retry waits up to base x 2^n.' }),
  FX_PER_USD: Type.String({
    pattern: '^[A-Z]{3}=[0-9.]+(,[A-Z]{3}=[0-9.]+)*$',
    default: 'USD=1,EUR=0.92,GBP=0.79,SEK=10.6,NOK=10.9,DKK=6.9',
    description: "Units of each budget currency per US dollar, to charge Vertex's USD prices against a campaign budget.",
  }),
};
export const CreativeStudioConfig = serviceConfig(own);
// Spelled out: TypeBox's Composite of this many properties collapses to an index signature.
export type CreativeStudioConfig = BaseConfig & Static<ReturnType<typeof Type.Object<typeof own>>>;

/** `SEK=10.6,EUR=0.92` -> units per USD. */
export function parseFx(s: string): Record<string, number> {
  return Object.fromEntries(
    s
      .split(',')
      .map((p) => p.split('='))
      .map(([k, v]) => [k!, Number(v)]),
  );
}
