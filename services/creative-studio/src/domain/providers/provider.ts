import type { CopyInput, LookbookCopy } from '../copy.js';

export const PROVIDERS = ['local', 'vertex'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** Why an asset was not made the way the provider meant to. */
export const AssetNote = {
  /** The campaign budget could not pay for it: made locally instead. */
  BudgetExhausted: 'budget_exhausted',
  /** The model withheld it on safety grounds: made locally instead, and listed in `safetyFiltered`. */
  SafetyFiltered: 'safety_filtered',
  /** The cloud call failed after its retries (or timed out): made locally instead. */
  Fallback: 'fallback',
} as const;
export type AssetNote = (typeof AssetNote)[keyof typeof AssetNote];

/** One asset and what it cost, in minor units of the campaign's budget currency. */
export interface Asset<T> {
  readonly value: T;
  readonly provider: ProviderName;
  readonly costMinor: number;
  readonly note?: AssetNote;
  readonly reason?: string;
}

/**
 * Money a batch may still spend. Spend is reserved before a call (so concurrent lookbooks cannot
 * overshoot) and released when the call produced nothing billable.
 */
export interface Spend {
  readonly currency: string;
  tryReserve(minor: number): boolean;
  release(minor: number): void;
  remaining(): number;
}

export class Allowance implements Spend {
  private left: number;
  constructor(
    readonly currency: string,
    limitMinor: number,
  ) {
    this.left = Math.max(0, limitMinor);
  }
  tryReserve(minor: number): boolean {
    if (minor > this.left) return false;
    this.left -= minor;
    return true;
  }
  release(minor: number): void {
    this.left += minor;
  }
  remaining(): number {
    return this.left;
  }
}

export interface AssetContext {
  readonly spend: Spend;
  readonly signal?: AbortSignal;
  /** For logs and prompts: which lookbook this is for. */
  readonly lookbookId: string;
}

export interface HeroInput {
  readonly theme: string;
  readonly brief: string;
  /** e.g. "black wool-blend coat, white leather sneakers". */
  readonly products: readonly string[];
  readonly width: number;
  readonly height: number;
}

export interface VideoInput {
  readonly frames: readonly Buffer[];
  readonly frameMs: number;
  readonly width: number;
  readonly theme: string;
  readonly products: readonly string[];
  /** Where a cloud provider should put the video: relative to its output location. */
  readonly name: string;
}

export type Video = { readonly kind: 'webp'; readonly bytes: Buffer } | { readonly kind: 'uri'; readonly uri: string; readonly mimeType: string };

/** One interface for every way of making a lookbook's creative; the lookbook around it does not change. */
export interface CreativeProvider {
  readonly name: ProviderName;
  copy(input: CopyInput, ctx: AssetContext): Promise<Asset<LookbookCopy>>;
  /** A generated hero image for the cover, or undefined (the cover is then typographic). */
  hero(input: HeroInput, ctx: AssetContext): Promise<Asset<Buffer | undefined>>;
  video(input: VideoInput, ctx: AssetContext): Promise<Asset<Video>>;
  /** Shown on /healthz. */
  health(): Record<string, unknown>;
}
