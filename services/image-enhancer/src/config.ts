import { Type, type Static } from '@sinclair/typebox';
import { BaseConfig, serviceConfig } from '@commerce/service-kit';

const csv = (pattern: string, def: string, description: string) => Type.String({ pattern: `^${pattern}(,${pattern})*$`, default: def, description });

/** Every setting of the image enhancer, with its default and why. */
const own = {
  BLOB_STORE_URL: Type.String({
    minLength: 1,
    default: '.tmp/image-enhancer/buckets/{bucket}', // = DEFAULT_BLOB_STORE_URL in demo-samples.ts
    description: "Where a notification's bucket lives: gs://{bucket} in production, a local directory otherwise; {bucket} is replaced by the event's bucket.",
  }),
  OUTPUT_PREFIX: Type.String({ pattern: '^[^/].*/$', default: 'enhanced/', description: 'Key prefix of the outputs, in the same bucket; objects under it are ignored (no feedback loop).' }),
  IMAGE_PROVIDER: Type.Union([Type.Literal('local'), Type.Literal('gemini')], { default: 'local', description: 'local (offline, sharp) or gemini (regenerates what local cannot save, falls back to local).' }),
  IMAGE_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 2, description: 'Images processed at once (= flow control of the subscription); about one per core.' }),
  MAX_INPUT_BYTES: Type.Integer({ minimum: 1, default: 50 * 1024 * 1024, description: 'Larger files are dead-lettered before decoding.' }),
  MAX_INPUT_PIXELS: Type.Integer({ minimum: 1, default: 100_000_000, description: 'Images whose header declares more pixels are dead-lettered (decompression bombs).' }),
  ALLOWED_FORMATS: csv('(jpeg|png|webp|avif|heif|gif|tiff)', 'jpeg,png,webp,avif,heif', 'Input formats accepted, checked by magic bytes.'),
  WORKING_LONG_SIDE_PX: Type.Integer({ minimum: 64, default: 2400, description: 'Inputs are decoded straight down to this longest side.' }),
  TARGET_LONG_SIDE_PX: Type.Integer({ minimum: 64, default: 1200, description: 'Smaller inputs are upscaled towards this longest side (the largest variant).' }),
  MAX_UPSCALE: Type.Number({ minimum: 1, maximum: 8, default: 4, description: 'Largest upscale factor.' }),
  BACKGROUND: Type.Union([Type.Literal('white'), Type.Literal('transparent'), Type.Literal('keep')], { default: 'white', description: 'What a grey or tinted uniform backdrop becomes.' }),
  VARIANT_ASPECTS: csv('\\d+:\\d+', '1:1,3:4', "The catalogue's aspect ratios."),
  VARIANT_WIDTHS: csv('\\d+', '320,640,1200', 'Variant widths, px.'),
  VARIANT_FORMATS: csv('(avif|webp|jpeg)', 'avif,webp,jpeg', 'Output formats.'),
  AVIF_EFFORT: Type.Integer({ minimum: 0, maximum: 9, default: 1, description: 'AVIF encoder effort: higher is smaller and much slower (the main throughput lever).' }),
  GEMINI_PROJECT: Type.Optional(Type.String({ minLength: 1, description: 'Vertex AI project; GOOGLE_CLOUD_PROJECT when unset.' })),
  GEMINI_LOCATION: Type.String({ default: 'global', description: 'Vertex AI location.' }),
  GEMINI_MODEL: Type.String({ default: 'gemini-2.5-flash-image', description: 'Image-output Gemini model.' }),
  GEMINI_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://', description: 'Endpoint override (tests, private endpoints).' })),
  GEMINI_DAILY_BUDGET_USD: Type.Number({ minimum: 0, default: 20, description: 'Spend per process per UTC day; then local only.' }),
  GEMINI_COST_PER_IMAGE_USD: Type.Number({ minimum: 0, default: 0.039, description: 'Published price of one output image.' }),
  GEMINI_RATE_PER_MINUTE: Type.Number({ minimum: 0.1, default: 30, description: 'Client-side rate limit of calls.' }),
  GEMINI_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 60_000, description: 'Per image, every attempt included; then local.' }),
  GEMINI_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 10, default: 4, description: 'Attempts on 429/5xx, with jittered exponential backoff.' }),
  GEMINI_RETRY_BASE_MS: Type.Integer({ minimum: 0, default: 1000, description: 'Backoff base; the n-th retry waits up to base x 2^n.' }),
};
export const ImageEnhancerConfig = serviceConfig(own);
// Spelled out: TypeBox's Composite of this many properties collapses to an index signature.
export type ImageEnhancerConfig = BaseConfig & Static<ReturnType<typeof Type.Object<typeof own>>>;

export const list = (s: string): string[] =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
