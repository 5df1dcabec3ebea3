import type { Logger } from 'pino';
import { parseFx, type CreativeStudioConfig } from '../config.js';
import { RateLimiter } from './providers/limits.js';
import { LocalProvider } from './providers/local.js';
import type { CreativeProvider } from './providers/provider.js';
import { GenAiVertexClient, VertexProvider, type GenAiVertexOptions, type VertexClient } from './providers/vertex.js';

export interface ProviderExtras {
  /** Replaces the @google/genai client (tests). */
  readonly vertexClient?: VertexClient;
  /** Passed to the @google/genai client (tests give it a fixed token). */
  readonly googleAuthOptions?: GenAiVertexOptions['googleAuthOptions'];
  /** Passed to the @google/genai client (see GenAiVertexOptions.fetch). */
  readonly fetch?: GenAiVertexOptions['fetch'];
}

export function providerFromConfig(c: CreativeStudioConfig, logger: Logger, extras: ProviderExtras = {}): CreativeProvider {
  const local = new LocalProvider();
  if (c.CREATIVE_PROVIDER === 'local') return local;
  const client =
    extras.vertexClient ??
    new GenAiVertexClient({
      project: c.VERTEX_PROJECT ?? c.GOOGLE_CLOUD_PROJECT,
      location: c.VERTEX_LOCATION,
      textModel: c.VERTEX_TEXT_MODEL,
      imageModel: c.VERTEX_IMAGE_MODEL,
      videoModel: c.VERTEX_VIDEO_MODEL,
      videoPollMs: c.VERTEX_VIDEO_POLL_MS,
      ...(c.VERTEX_BASE_URL ? { baseUrl: c.VERTEX_BASE_URL } : {}),
      ...(extras.googleAuthOptions ? { googleAuthOptions: extras.googleAuthOptions } : {}),
      ...(extras.fetch ? { fetch: extras.fetch } : {}),
    });
  return new VertexProvider({
    client,
    fallback: local,
    prices: { textUsd: c.VERTEX_TEXT_COST_USD, imageUsd: c.VERTEX_IMAGE_COST_USD, videoUsdPerSecond: c.VERTEX_VIDEO_COST_USD_PER_SECOND },
    fxPerUsd: parseFx(c.FX_PER_USD),
    limiter: new RateLimiter(c.VERTEX_RATE_PER_MINUTE, Math.max(1, Math.ceil(c.VERTEX_RATE_PER_MINUTE / 20))),
    videoLimiter: new RateLimiter(c.VERTEX_VIDEO_RATE_PER_MINUTE),
    timeoutMs: c.VERTEX_TIMEOUT_MS,
    videoTimeoutMs: c.VERTEX_VIDEO_TIMEOUT_MS,
    maxAttempts: c.VERTEX_MAX_ATTEMPTS,
    retryBaseMs: c.VERTEX_RETRY_BASE_MS,
    retryMaxMs: Math.max(c.VERTEX_RETRY_BASE_MS, 30_000),
    ...(c.VERTEX_VIDEO_OUTPUT_GCS_URI ? { videoOutputGcsUri: c.VERTEX_VIDEO_OUTPUT_GCS_URI } : {}),
    videoSeconds: c.VERTEX_VIDEO_SECONDS,
    logger,
  });
}
