import type { Logger } from 'pino';
import type { ImageEnhancerConfig } from '../config.js';
import { list } from '../config.js';
import type { ImageFormatName } from './decode.js';
import { ImagePipeline, type PipelineOptions } from './pipeline.js';
import { GeminiProvider, GenAiImageClient, type GenAiClientOptions, type ImageEditClient } from './providers/gemini.js';
import { DailyBudget, RateLimiter } from './providers/limits.js';
import { LocalProvider } from './providers/local.js';
import type { EnhanceProvider } from './providers/provider.js';
import type { OutputFormat } from './variants.js';

type PipelineSettings = Pick<
  ImageEnhancerConfig,
  'MAX_INPUT_BYTES' | 'MAX_INPUT_PIXELS' | 'ALLOWED_FORMATS' | 'WORKING_LONG_SIDE_PX' | 'TARGET_LONG_SIDE_PX' | 'MAX_UPSCALE' | 'BACKGROUND' | 'VARIANT_ASPECTS' | 'VARIANT_WIDTHS' | 'VARIANT_FORMATS' | 'AVIF_EFFORT'
>;

export function pipelineOptions(c: PipelineSettings): PipelineOptions {
  return {
    decode: { maxBytes: c.MAX_INPUT_BYTES, maxPixels: c.MAX_INPUT_PIXELS, allowedFormats: list(c.ALLOWED_FORMATS) as ImageFormatName[], workingLongSidePx: c.WORKING_LONG_SIDE_PX },
    enhance: { targetLongSidePx: c.TARGET_LONG_SIDE_PX, maxUpscale: c.MAX_UPSCALE, background: c.BACKGROUND, deblurIterations: 6 },
    variants: { aspects: list(c.VARIANT_ASPECTS), widths: list(c.VARIANT_WIDTHS).map(Number), formats: list(c.VARIANT_FORMATS) as OutputFormat[], marginRatio: 0.08, avifEffort: c.AVIF_EFFORT },
  };
}

export interface ProviderExtras {
  /** Replaces the @google/genai client (tests). */
  readonly geminiClient?: ImageEditClient;
  /** Passed to the @google/genai client (tests give it a fixed token). */
  readonly googleAuthOptions?: GenAiClientOptions['googleAuthOptions'];
  /** Passed to the @google/genai client (see GenAiClientOptions.fetch). */
  readonly fetch?: GenAiClientOptions['fetch'];
  readonly onFallback?: (reason: string) => void;
}

export function providerFromConfig(c: ImageEnhancerConfig, options: PipelineOptions, logger: Logger, extras: ProviderExtras = {}): EnhanceProvider {
  const local = new LocalProvider(options.enhance);
  if (c.IMAGE_PROVIDER === 'local') return local;
  const client =
    extras.geminiClient ??
    new GenAiImageClient({
      project: c.GEMINI_PROJECT ?? c.GOOGLE_CLOUD_PROJECT,
      location: c.GEMINI_LOCATION,
      model: c.GEMINI_MODEL,
      ...(c.GEMINI_BASE_URL ? { baseUrl: c.GEMINI_BASE_URL } : {}),
      ...(extras.googleAuthOptions ? { googleAuthOptions: extras.googleAuthOptions } : {}),
      ...(extras.fetch ? { fetch: extras.fetch } : {}),
    });
  return new GeminiProvider({
    client,
    fallback: local,
    budget: new DailyBudget(c.GEMINI_DAILY_BUDGET_USD, c.GEMINI_COST_PER_IMAGE_USD),
    limiter: new RateLimiter(c.GEMINI_RATE_PER_MINUTE),
    timeoutMs: c.GEMINI_TIMEOUT_MS,
    maxAttempts: c.GEMINI_MAX_ATTEMPTS,
    retryBaseMs: c.GEMINI_RETRY_BASE_MS,
    retryMaxMs: Math.max(c.GEMINI_RETRY_BASE_MS, 30_000),
    decodeLimits: options.decode,
    enhance: options.enhance,
    logger,
    ...(extras.onFallback ? { onFallback: extras.onFallback } : {}),
  });
}

export function pipelineFromConfig(c: ImageEnhancerConfig, logger: Logger, extras: ProviderExtras = {}): ImagePipeline {
  const options = pipelineOptions(c);
  return new ImagePipeline(options, providerFromConfig(c, options, logger, extras));
}
