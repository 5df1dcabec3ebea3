import { createHash } from 'node:crypto';
import { analyse, type QualityMetrics } from './analyse.js';
import { safeDecode, type DecodeLimits } from './decode.js';
import type { EnhanceOptions, Master } from './enhance.js';
import { Op, planFor, type Plan } from './plan.js';
import type { EnhanceProvider, ProviderName } from './providers/provider.js';
import { encodeVariants, type EncodedVariant, type VariantOptions } from './variants.js';

/** Bumped whenever the pipeline's output for the same input and settings changes. */
export const PIPELINE_VERSION = 1;

export interface PipelineOptions {
  readonly decode: DecodeLimits;
  readonly enhance: EnhanceOptions;
  readonly variants: VariantOptions;
}

export interface PipelineResult {
  readonly contentHash: string;
  readonly master: Master;
  readonly variants: EncodedVariant[];
  readonly metricsBefore: QualityMetrics;
  readonly metricsAfter: QualityMetrics;
  readonly plan: Plan;
  readonly operations: string[];
  readonly provider: ProviderName;
  readonly timingsMs: Record<string, number>;
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/**
 * Names the settings an output depends on. Keys carry it, so changing a setting (or the
 * pipeline) writes new keys instead of overwriting, and the same settings never write twice.
 */
export function recipeId(opts: PipelineOptions, provider: ProviderName): string {
  const material = JSON.stringify({ v: PIPELINE_VERSION, provider, enhance: opts.enhance, variants: opts.variants, work: opts.decode.workingLongSidePx });
  return createHash('sha256').update(material).digest('hex').slice(0, 10);
}

/** The whole image path without messaging or storage: bytes in, master and variants out. */
export class ImagePipeline {
  constructor(
    readonly options: PipelineOptions,
    readonly provider: EnhanceProvider,
  ) {}

  get recipe(): string {
    return recipeId(this.options, this.provider.name);
  }

  async process(bytes: Buffer, object: string, signal?: AbortSignal): Promise<PipelineResult> {
    const timingsMs: Record<string, number> = {};
    let t = performance.now();
    const lap = (name: string): void => {
      const now = performance.now();
      timingsMs[name] = Math.round((now - t) * 10) / 10;
      t = now;
    };
    const contentHash = sha256(bytes);
    const decoded = await safeDecode(bytes, object, this.options.decode);
    lap('decode');
    const metricsBefore = analyse(decoded.image, { targetLongSidePx: this.options.enhance.targetLongSidePx });
    const plan = planFor(metricsBefore);
    lap('analyse');
    const { master, provider } = await this.provider.enhance({ object, image: decoded.image, metrics: metricsBefore, plan, ...(signal ? { signal } : {}) });
    lap('enhance');
    signal?.throwIfAborted();
    const variants = await encodeVariants(master, this.options.variants);
    lap('encode');
    const metricsAfter = analyse(master.image, { targetLongSidePx: this.options.enhance.targetLongSidePx });
    lap('measure');
    const operations = [
      ...(decoded.orientation > 1 ? [Op.AutoOrient] : []),
      ...(decoded.strippedMetadata.length > 0 ? [Op.StripMetadata] : []),
      ...master.ops,
      Op.SmartCrop,
    ];
    return { contentHash, master, variants, metricsBefore, metricsAfter, plan, operations, provider, timingsMs };
  }
}
