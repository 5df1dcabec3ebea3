import type { QualityMetrics } from '../analyse.js';
import type { Master } from '../enhance.js';
import type { Plan } from '../plan.js';
import type { RawImage } from '../raw.js';

export const PROVIDERS = ['local', 'gemini'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export interface ProviderInput {
  readonly object: string;
  readonly image: RawImage;
  readonly metrics: QualityMetrics;
  readonly plan: Plan;
  readonly signal?: AbortSignal;
}

export interface ProviderOutput {
  readonly master: Master;
  /** Who made the master: a cloud provider that fell back reports `local`. */
  readonly provider: ProviderName;
}

/** One interface for every way of enhancing a photo; the pipeline around it does not change. */
export interface EnhanceProvider {
  readonly name: ProviderName;
  enhance(input: ProviderInput): Promise<ProviderOutput>;
  /** Shown on /healthz. */
  health(): Record<string, unknown>;
}
