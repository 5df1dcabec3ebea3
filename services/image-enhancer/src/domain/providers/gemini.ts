import { GoogleGenAI } from '@google/genai';
import type { Logger } from 'pino';
import { analyse } from '../analyse.js';
import { safeDecode, type DecodeLimits } from '../decode.js';
import { enhanceLocal, type EnhanceOptions } from '../enhance.js';
import { Op, planFor } from '../plan.js';
import { fromRaw } from '../raw.js';
import { CloudCallError, isRetryableCloudError } from '@commerce/service-kit';
import { DailyBudget, RateLimiter, backoffWithJitterMs, systemClock, type Clock } from './limits.js';
import type { EnhanceProvider, ProviderInput, ProviderOutput } from './provider.js';

/** What the provider needs from Gemini: one image in, one image out. */
export interface ImageEditClient {
  edit(image: Buffer, mimeType: string, prompt: string, signal: AbortSignal): Promise<{ data: Buffer; mimeType: string }>;
}

type GenAiOptions = NonNullable<ConstructorParameters<typeof GoogleGenAI>[0]>;

export interface GenAiClientOptions {
  readonly project: string;
  readonly location: string;
  readonly model: string;
  /** Endpoint override (tests, private service connect); Vertex's regional endpoint otherwise. */
  readonly baseUrl?: string;
  /** Credentials; Application Default Credentials when absent. */
  readonly googleAuthOptions?: GenAiOptions['googleAuthOptions'];
  /**
   * A fetch of the caller's (tests: jest's sandbox has no Undici global dispatcher, which the
   * SDK's default transport looks up on globalThis).
   */
  readonly fetch?: NonNullable<GenAiOptions['httpOptions']>['fetch'];
}

/** Gemini 2.5 Flash Image on Vertex AI through @google/genai: generateContent with image output. */
export class GenAiImageClient implements ImageEditClient {
  private readonly ai: GoogleGenAI;
  constructor(private readonly o: GenAiClientOptions) {
    this.ai = new GoogleGenAI({
      vertexai: true,
      project: o.project,
      location: o.location,
      httpOptions: { ...(o.baseUrl ? { baseUrl: o.baseUrl } : {}), ...(o.fetch ? { fetch: o.fetch } : {}) },
      ...(o.googleAuthOptions ? { googleAuthOptions: o.googleAuthOptions } : {}),
    });
  }

  async edit(image: Buffer, mimeType: string, prompt: string, signal: AbortSignal): Promise<{ data: Buffer; mimeType: string }> {
    let res;
    try {
      res = await this.ai.models.generateContent({
        model: this.o.model,
        contents: [{ role: 'user', parts: [{ inlineData: { mimeType, data: image.toString('base64') } }, { text: prompt }] }],
        config: { responseModalities: ['TEXT', 'IMAGE'], abortSignal: signal, candidateCount: 1 },
      });
    } catch (err) {
      const status = (err as { status?: unknown }).status;
      throw new CloudCallError(`generateContent failed: ${(err as Error).message}`, typeof status === 'number' ? status : undefined, { cause: err });
    }
    const parts = res.candidates?.[0]?.content?.parts ?? [];
    const inline = parts.find((p) => p.inlineData?.data)?.inlineData;
    if (!inline?.data) {
      const text = parts.map((p) => p.text ?? '').join(' ').trim();
      throw new CloudCallError(`the response has no image (finish reason ${res.candidates?.[0]?.finishReason ?? 'none'}${text ? `, text: ${text.slice(0, 200)}` : ''})`, undefined);
    }
    return { data: Buffer.from(inline.data, 'base64'), mimeType: inline.mimeType ?? 'image/png' };
  }
}

export interface GeminiProviderOptions {
  readonly client: ImageEditClient;
  readonly fallback: EnhanceProvider;
  readonly budget: DailyBudget;
  readonly limiter: RateLimiter;
  /** Whole budget of one image, all attempts included. */
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly decodeLimits: DecodeLimits;
  readonly enhance: EnhanceOptions;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** Called with the reason each time a photo falls back to the local path. */
  readonly onFallback?: (reason: string) => void;
}

export const REGENERATION_PROMPT =
  'Edit this product photo for an online catalogue. Keep the product exactly as it is: same shape, colours, print, text and proportions. ' +
  'Replace the background with plain pure white (#FFFFFF), remove clutter, correct exposure and white balance, keep a soft natural contact shadow. ' +
  'Return only the edited image.';

/**
 * Regeneration with Gemini 2.5 Flash Image for the photos the local path cannot save (the
 * plan says why, e.g. a cluttered backdrop); every other photo, and every failure, goes the
 * local way. Budget, rate limit, retries with jitter on 429/5xx and a per-image timeout all
 * end in the local fallback, never in a lost message.
 */
export class GeminiProvider implements EnhanceProvider {
  readonly name = 'gemini' as const;
  private readonly clock: Clock;
  private calls = 0;
  private fallbacks = 0;

  constructor(private readonly o: GeminiProviderOptions) {
    this.clock = o.clock ?? systemClock;
  }

  health(): Record<string, unknown> {
    return { provider: 'gemini', fallback: this.o.fallback.name, budget: this.o.budget.snapshot(), ratePerMinute: this.o.limiter.perMinute, calls: this.calls, fallbacks: this.fallbacks };
  }

  async enhance(input: ProviderInput): Promise<ProviderOutput> {
    if (!input.plan.wantsRegeneration) return this.o.fallback.enhance(input);
    const log = this.o.logger.child({ object: input.object });
    if (!this.o.budget.tryReserve()) return this.fallBack(input, 'daily budget spent', log);
    let charged = false;
    try {
      const regenerated = await this.callWithRetries(input, log);
      charged = true;
      const decoded = await safeDecode(regenerated.data, `${input.object} (regenerated by Gemini)`, this.o.decodeLimits);
      const metrics = analyse(decoded.image, { targetLongSidePx: this.o.enhance.targetLongSidePx });
      const plan = { ...planFor(metrics), wantsRegeneration: undefined };
      const master = await enhanceLocal(decoded.image, plan, this.o.enhance);
      return { master: { ...master, ops: [Op.Regenerate, ...master.ops] }, provider: 'gemini' };
    } catch (err) {
      if (!charged) this.o.budget.release();
      return this.fallBack(input, (err as Error).message, log);
    }
  }

  private async callWithRetries(input: ProviderInput, log: Logger): Promise<{ data: Buffer; mimeType: string }> {
    const deadline = AbortSignal.timeout(this.o.timeoutMs);
    const signal = input.signal ? AbortSignal.any([deadline, input.signal]) : deadline;
    const png = await fromRaw(input.image).png({ compressionLevel: 3 }).toBuffer();
    for (let attempt = 0; ; attempt++) {
      await this.o.limiter.take(signal);
      this.calls++;
      try {
        return await this.o.client.edit(png, 'image/png', REGENERATION_PROMPT, signal);
      } catch (err) {
        if (signal.aborted) throw new Error(`timed out after ${this.o.timeoutMs} ms (${attempt + 1} attempt(s))`, { cause: err });
        const status = (err as CloudCallError).status;
        if (!isRetryableCloudError(err) || attempt + 1 >= this.o.maxAttempts) throw err;
        const delay = backoffWithJitterMs(attempt, this.o.retryBaseMs, this.o.retryMaxMs, this.o.random);
        log.warn({ status, attempt: attempt + 1, delayMs: delay }, `gemini call failed, retrying: ${(err as Error).message}`);
        await this.clock.sleep(delay, signal).catch(() => {
          throw new Error(`timed out after ${this.o.timeoutMs} ms (${attempt + 1} attempt(s))`, { cause: err });
        });
      }
    }
  }

  private async fallBack(input: ProviderInput, reason: string, log: Logger): Promise<ProviderOutput> {
    this.fallbacks++;
    this.o.onFallback?.(reason);
    log.warn({ reason }, `gemini regeneration not used, enhancing locally: ${reason}`);
    return this.o.fallback.enhance(input);
  }
}
