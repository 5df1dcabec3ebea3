import { GoogleGenAI, type GenerateContentResponse } from '@google/genai';
import type { Logger } from 'pino';
import type { CopyInput, LookbookCopy } from '../copy.js';
import { formatPrice, languageOf, templateCopy } from '../copy.js';
import { CloudCallError, RateLimiter, backoffWithJitterMs, isRetryable, systemClock, type Clock } from './limits.js';
import { AssetNote, type Asset, type AssetContext, type CreativeProvider, type HeroInput, type Video, type VideoInput } from './provider.js';

/** What a model call gave back: the output, or why the model withheld it. */
export type Generated<T> = { readonly ok: T } | { readonly blocked: string };

/** The three Vertex AI calls the provider makes, behind an interface so tests can stand in. */
export interface VertexClient {
  text(prompt: string, signal: AbortSignal): Promise<Generated<string>>;
  image(prompt: string, signal: AbortSignal): Promise<Generated<{ data: Buffer; mimeType: string }>>;
  video(prompt: string, outputGcsUri: string, seconds: number, signal: AbortSignal): Promise<Generated<{ uri: string; mimeType: string }>>;
}

type GenAiOptions = NonNullable<ConstructorParameters<typeof GoogleGenAI>[0]>;

export interface GenAiVertexOptions {
  readonly project: string;
  readonly location: string;
  readonly textModel: string;
  readonly imageModel: string;
  readonly videoModel: string;
  readonly videoPollMs: number;
  /** Endpoint override (tests, private service connect). */
  readonly baseUrl?: string;
  readonly googleAuthOptions?: GenAiOptions['googleAuthOptions'];
  /** jest's sandbox has no Undici global dispatcher, which the SDK's default transport looks up: tests pass fetch. */
  readonly fetch?: NonNullable<GenAiOptions['httpOptions']>['fetch'];
  readonly clock?: Clock;
}

/** Finish reasons that mean "withheld on safety grounds" rather than "failed". */
const SAFETY_REASONS = new Set(['SAFETY', 'IMAGE_SAFETY', 'PROHIBITED_CONTENT', 'BLOCKLIST', 'SPII', 'RECITATION', 'IMAGE_PROHIBITED_CONTENT']);

function blockedReason(res: GenerateContentResponse): string | undefined {
  const block = res.promptFeedback?.blockReason;
  if (block) return `prompt blocked: ${block}`;
  const finish = res.candidates?.[0]?.finishReason;
  if (finish && SAFETY_REASONS.has(String(finish))) return `output blocked: ${finish}`;
  return undefined;
}

function asCallError(what: string, err: unknown): CloudCallError {
  const status = (err as { status?: unknown }).status;
  return new CloudCallError(`${what} failed: ${(err as Error).message}`, typeof status === 'number' ? status : undefined, { cause: err });
}

/** Gemini text, Gemini 2.5 Flash Image and Veo on Vertex AI through @google/genai (`vertexai: true`). */
export class GenAiVertexClient implements VertexClient {
  private readonly ai: GoogleGenAI;
  private readonly clock: Clock;
  constructor(private readonly o: GenAiVertexOptions) {
    this.clock = o.clock ?? systemClock;
    this.ai = new GoogleGenAI({
      vertexai: true,
      project: o.project,
      location: o.location,
      httpOptions: { ...(o.baseUrl ? { baseUrl: o.baseUrl } : {}), ...(o.fetch ? { fetch: o.fetch } : {}) },
      ...(o.googleAuthOptions ? { googleAuthOptions: o.googleAuthOptions } : {}),
    });
  }

  async text(prompt: string, signal: AbortSignal): Promise<Generated<string>> {
    let res: GenerateContentResponse;
    try {
      res = await this.ai.models.generateContent({ model: this.o.textModel, contents: prompt, config: { responseMimeType: 'application/json', abortSignal: signal, candidateCount: 1 } });
    } catch (err) {
      throw asCallError('generateContent (text)', err);
    }
    const blocked = blockedReason(res);
    if (blocked) return { blocked };
    const text = res.candidates?.[0]?.content?.parts?.map((p) => p.text ?? '').join('') ?? '';
    if (!text.trim()) throw new CloudCallError(`the response has no text (finish reason ${res.candidates?.[0]?.finishReason ?? 'none'})`, undefined);
    return { ok: text };
  }

  async image(prompt: string, signal: AbortSignal): Promise<Generated<{ data: Buffer; mimeType: string }>> {
    let res: GenerateContentResponse;
    try {
      res = await this.ai.models.generateContent({ model: this.o.imageModel, contents: prompt, config: { responseModalities: ['TEXT', 'IMAGE'], abortSignal: signal, candidateCount: 1 } });
    } catch (err) {
      throw asCallError('generateContent (image)', err);
    }
    const blocked = blockedReason(res);
    if (blocked) return { blocked };
    const inline = (res.candidates?.[0]?.content?.parts ?? []).find((p) => p.inlineData?.data)?.inlineData;
    if (!inline?.data) throw new CloudCallError(`the response has no image (finish reason ${res.candidates?.[0]?.finishReason ?? 'none'})`, undefined);
    return { ok: { data: Buffer.from(inline.data, 'base64'), mimeType: inline.mimeType ?? 'image/png' } };
  }

  /** Starts a Veo long-running operation and polls it until done; the video lands at `outputGcsUri`. */
  async video(prompt: string, outputGcsUri: string, seconds: number, signal: AbortSignal): Promise<Generated<{ uri: string; mimeType: string }>> {
    let op;
    try {
      op = await this.ai.models.generateVideos({ model: this.o.videoModel, source: { prompt }, config: { numberOfVideos: 1, durationSeconds: seconds, aspectRatio: '9:16', outputGcsUri, abortSignal: signal } });
      while (!op.done) {
        await this.clock.sleep(this.o.videoPollMs, signal);
        op = await this.ai.operations.getVideosOperation({ operation: op, config: { abortSignal: signal } });
      }
    } catch (err) {
      if (signal.aborted) throw err;
      throw asCallError('generateVideos', err);
    }
    if (op.error) throw new CloudCallError(`the video operation failed: ${JSON.stringify(op.error)}`, typeof op.error['code'] === 'number' ? httpStatusOf(op.error['code']) : undefined);
    const filtered = op.response?.raiMediaFilteredCount ?? 0;
    const video = op.response?.generatedVideos?.[0]?.video;
    if (!video?.uri) {
      if (filtered > 0) return { blocked: `video filtered: ${(op.response?.raiMediaFilteredReasons ?? []).join('; ') || `${filtered} filtered`}` };
      throw new CloudCallError('the video operation finished without a video', undefined);
    }
    return { ok: { uri: video.uri, mimeType: video.mimeType ?? 'video/mp4' } };
  }
}

/** gRPC codes in an operation's error, as the HTTP status retry decisions read. */
function httpStatusOf(grpc: number): number {
  return ({ 8: 429, 14: 503, 13: 500, 4: 504 } as Record<number, number>)[grpc] ?? 400;
}

export interface VertexPrices {
  readonly textUsd: number;
  readonly imageUsd: number;
  readonly videoUsdPerSecond: number;
}

export interface VertexProviderOptions {
  readonly client: VertexClient;
  readonly fallback: CreativeProvider;
  readonly prices: VertexPrices;
  /** Units of each budget currency per USD. */
  readonly fxPerUsd: Readonly<Record<string, number>>;
  readonly limiter: RateLimiter;
  readonly videoLimiter: RateLimiter;
  readonly timeoutMs: number;
  readonly videoTimeoutMs: number;
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** gs:// prefix Veo writes to; without it videos are made by the fallback. */
  readonly videoOutputGcsUri?: string;
  readonly videoSeconds: number;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly random?: () => number;
}

/**
 * Copy with Gemini, the cover's hero image with Gemini 2.5 Flash Image, the video with Veo; each
 * asset is paid from the batch's share of the campaign budget, reserved before the call. When the
 * budget cannot pay, the model withholds the output on safety grounds, or the call still fails
 * after retries with backoff, the asset is made by the fallback (local) provider and the reason is
 * recorded: nothing fails the lookbook.
 */
export class VertexProvider implements CreativeProvider {
  readonly name = 'vertex' as const;
  private readonly clock: Clock;
  private readonly counts = { calls: 0, assets: 0, budgetExhausted: 0, safetyFiltered: 0, fallbacks: 0 };

  constructor(private readonly o: VertexProviderOptions) {
    this.clock = o.clock ?? systemClock;
  }

  health(): Record<string, unknown> {
    return { provider: 'vertex', fallback: this.o.fallback.name, ratePerMinute: this.o.limiter.perMinute, video: this.o.videoOutputGcsUri ? 'veo' : 'local', ...this.counts };
  }

  /** A USD price in minor units of the budget's currency, rounded up (never under-charge a budget). */
  costMinor(usd: number, currency: string): number {
    const fx = this.o.fxPerUsd[currency];
    if (fx === undefined) throw new Error(`no exchange rate for ${currency} in FX_PER_USD`);
    return Math.ceil(usd * fx * 100);
  }

  async copy(input: CopyInput, ctx: AssetContext): Promise<Asset<LookbookCopy>> {
    const fallback = templateCopy(input);
    return this.paid(ctx, this.o.prices.textUsd, this.o.limiter, this.o.timeoutMs, 'copy', async (signal) => {
      const r = await this.o.client.text(copyPrompt(input), signal);
      if ('blocked' in r) return r;
      return { ok: parseCopy(r.ok, input, fallback) };
    }, () => this.o.fallback.copy(input, ctx));
  }

  async hero(input: HeroInput, ctx: AssetContext): Promise<Asset<Buffer | undefined>> {
    return this.paid(ctx, this.o.prices.imageUsd, this.o.limiter, this.o.timeoutMs, 'hero image', async (signal) => {
      const r = await this.o.client.image(heroPrompt(input), signal);
      return 'blocked' in r ? r : { ok: r.ok.data };
    }, () => this.o.fallback.hero(input, ctx));
  }

  async video(input: VideoInput, ctx: AssetContext): Promise<Asset<Video>> {
    const out = this.o.videoOutputGcsUri;
    if (!out) return this.o.fallback.video(input, ctx);
    const target = `${out.replace(/\/$/, '')}/${input.name}`;
    return this.paid(ctx, this.o.prices.videoUsdPerSecond * this.o.videoSeconds, this.o.videoLimiter, this.o.videoTimeoutMs, 'video', async (signal) => {
      const r = await this.o.client.video(videoPrompt(input), target, this.o.videoSeconds, signal);
      return 'blocked' in r ? r : { ok: { kind: 'uri' as const, uri: r.ok.uri, mimeType: r.ok.mimeType } };
    }, () => this.o.fallback.video(input, ctx));
  }

  private async paid<T>(
    ctx: AssetContext,
    usd: number,
    limiter: RateLimiter,
    timeoutMs: number,
    what: string,
    call: (signal: AbortSignal) => Promise<Generated<T>>,
    fallback: () => Promise<Asset<T>>,
  ): Promise<Asset<T>> {
    this.counts.assets++;
    const log = this.o.logger.child({ lookbookId: ctx.lookbookId, asset: what });
    const cost = this.costMinor(usd, ctx.spend.currency);
    const local = async (note: AssetNote, reason: string): Promise<Asset<T>> => {
      const made = await fallback();
      return { ...made, note, reason };
    };
    if (!ctx.spend.tryReserve(cost)) {
      this.counts.budgetExhausted++;
      log.info({ costMinor: cost, remainingMinor: ctx.spend.remaining() }, `campaign budget cannot pay for the ${what}: made locally`);
      return local(AssetNote.BudgetExhausted, `needs ${cost} ${ctx.spend.currency} minor units, ${ctx.spend.remaining()} left`);
    }
    let result: Generated<T>;
    try {
      result = await this.withRetries(call, limiter, timeoutMs, ctx.signal, log);
    } catch (err) {
      ctx.spend.release(cost); // nothing billable came back
      if (ctx.signal?.aborted) throw err;
      this.counts.fallbacks++;
      log.warn({ err: (err as Error).message }, `vertex ${what} failed: made locally`);
      return local(AssetNote.Fallback, (err as Error).message);
    }
    if ('blocked' in result) {
      // Blocked outputs are not billed as outputs: give the reservation back.
      ctx.spend.release(cost);
      this.counts.safetyFiltered++;
      log.info({ reason: result.blocked }, `vertex withheld the ${what} on safety grounds: made locally`);
      return local(AssetNote.SafetyFiltered, result.blocked);
    }
    return { value: result.ok, provider: 'vertex', costMinor: cost };
  }

  private async withRetries<T>(call: (signal: AbortSignal) => Promise<T>, limiter: RateLimiter, timeoutMs: number, outer: AbortSignal | undefined, log: Logger): Promise<T> {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = outer ? AbortSignal.any([deadline, outer]) : deadline;
    for (let attempt = 0; ; attempt++) {
      await limiter.take(signal);
      this.counts.calls++;
      try {
        return await call(signal);
      } catch (err) {
        if (signal.aborted) throw new Error(`timed out after ${timeoutMs} ms (${attempt + 1} attempt(s))`, { cause: err });
        if (!isRetryable(err) || attempt + 1 >= this.o.maxAttempts) throw err;
        const delay = backoffWithJitterMs(attempt, this.o.retryBaseMs, this.o.retryMaxMs, this.o.random);
        log.warn({ status: (err as CloudCallError).status, attempt: attempt + 1, delayMs: delay }, `vertex call failed, retrying: ${(err as Error).message}`);
        await this.clock.sleep(delay, signal);
      }
    }
  }
}

const LANGUAGE_NAME: Readonly<Record<string, string>> = { en: 'English', sv: 'Swedish' };

export function copyPrompt(input: CopyInput): string {
  const lang = input.locale.slice(0, 2).toLowerCase();
  const language = LANGUAGE_NAME[lang] ?? (languageOf(input.locale) === 'en' && lang !== 'en' ? `the language of locale ${input.locale}` : 'English');
  const items = [...input.looks.flatMap((l) => l.items), ...(input.more ?? [])].map(({ product: p }) => `- ${p.productId}: ${p.title} by ${p.brand}, ${p.colours.join('/')}, ${formatPrice(p.price, input.locale)} (${p.category})`);
  return [
    `You write copy for a personalised fashion lookbook. Write in ${language}. Campaign theme: "${input.theme}". Brief: ${input.brief}`,
    `Shopper: ${input.firstName ?? 'unknown name (do not invent one)'}; favourite category: ${input.topCategory ?? 'unknown'}.`,
    `Looks: ${input.looks.map((l, i) => `${i + 1}. ${l.title}`).join('; ')}.`,
    `Products:\n${items.join('\n')}`,
    'Answer with JSON only: {"title": string (max 60 chars), "intro": string (max 220 chars), "lookTitles": string[] (one per look), "blurbs": {productId: string (max 110 chars)}, "cta": string (max 24 chars)}.',
    'Never state prices, discounts or facts not given above.',
  ].join('\n');
}

/** The model's JSON, checked and completed from the template copy (a missing blurb is the template's). */
export function parseCopy(text: string, input: CopyInput, fallback: LookbookCopy): LookbookCopy {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text.replace(/^```(json)?\s*|\s*```$/g, '')) as Record<string, unknown>;
  } catch (err) {
    throw new CloudCallError(`the copy is not JSON: ${(err as Error).message}`, undefined);
  }
  const str = (v: unknown, max: number): string | undefined => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined);
  const blurbs: Record<string, string> = { ...fallback.blurbs };
  const given = (raw['blurbs'] ?? {}) as Record<string, unknown>;
  for (const id of Object.keys(blurbs)) blurbs[id] = str(given[id], 160) ?? blurbs[id]!;
  const lookTitles = input.looks.map((_, i) => str((raw['lookTitles'] as unknown[] | undefined)?.[i], 80) ?? fallback.lookTitles[i]!);
  return { title: str(raw['title'], 80) ?? fallback.title, intro: str(raw['intro'], 300) ?? fallback.intro, lookTitles, blurbs, cta: str(raw['cta'], 32) ?? fallback.cta, moreTitle: fallback.moreTitle };
}

export function heroPrompt(input: HeroInput): string {
  return (
    `An editorial fashion photograph for a campaign themed "${input.theme}". ${input.brief} ` +
    `Styled with: ${input.products.join('; ')}. Natural light, tasteful, no text, no logos, no recognisable people's faces. ` +
    `Aspect ratio ${input.width}:${input.height}.`
  );
}

export function videoPrompt(input: VideoInput): string {
  return `A five-second vertical fashion video for a campaign themed "${input.theme}": slow camera moves over ${input.products.slice(0, 4).join('; ')}. Soft natural light, no text, no logos.`;
}
