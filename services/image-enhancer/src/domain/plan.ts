import type { QualityMetrics } from './analyse.js';
import { CRISP_BLUR_SIGMA_PX } from './analyse.js';

/** Operation names as they appear in image-enhanced's `operations`. */
export const Op = {
  AutoOrient: 'auto_orient',
  StripMetadata: 'strip_metadata',
  WhiteBalance: 'white_balance',
  Levels: 'levels',
  Denoise: 'denoise',
  Sharpen: 'sharpen',
  Deblur: 'deblur',
  Upscale: 'upscale',
  BackgroundWhite: 'background_white',
  BackgroundTransparent: 'background_transparent',
  SmartCrop: 'smart_crop',
  Regenerate: 'regenerate',
} as const;
export type Op = (typeof Op)[keyof typeof Op];

/**
 * The thresholds that decide what is done. Each is set so the generated clean photos and
 * ordinary good photos stay below it (left alone) and the known degradations land above it.
 */
export const PlanThresholds = {
  /** Highlights more than this many stops below white are lifted. */
  underexposedEv: -0.4,
  /** A bright-end cast beyond this share is neutralised. */
  colourCast: 0.04,
  /** Estimated noise (8-bit levels) above which the photo is denoised. */
  noiseSigma: 2.5,
  /** Estimated blur (px) above which edges are restored by deconvolution. */
  blurSigmaPx: 1.2,
  /** Below this share of the target size the photo is upscaled. */
  resolution: 0.999,
  /** A backdrop whose border is more than this share unlike its median is cluttered: beyond what the local path can clean. */
  clutteredBackdrop: 0.15,
  /** Measurements on a photo this far below target size are unreliable for noise and blur. */
  tooSmallToJudge: 0.5,
} as const;

export interface Plan {
  readonly ops: readonly Op[];
  /** Deconvolution PSF sigma (px) when deblurring. */
  readonly deblurSigmaPx: number;
  /** Noise sigma (levels) the denoiser is tuned for. */
  readonly noiseSigma: number;
  /** Set when the photo needs more than the local path can do (e.g. a cluttered backdrop). */
  readonly wantsRegeneration: string | undefined;
}

/** Noise the estimator reports is about 0.6 of the true sigma on product photos (flat areas clip). */
const NOISE_ESTIMATE_TO_SIGMA = 1.6;

/** Measure, then decide: only what the metrics call for, so a good photo is not over-processed. */
export function planFor(m: QualityMetrics, t = PlanThresholds): Plan {
  const ops: Op[] = [];
  if (m.colourCast > t.colourCast) ops.push(Op.WhiteBalance);
  if (m.exposureEv < t.underexposedEv) ops.push(Op.Levels);
  const judgeable = m.resolution >= t.tooSmallToJudge;
  const noisy = judgeable && m.noiseSigma > t.noiseSigma;
  if (noisy) ops.push(Op.Denoise);
  const blurry = judgeable && m.blurSigmaPx > t.blurSigmaPx;
  if (blurry) ops.push(Op.Deblur);
  if (m.resolution < t.resolution) ops.push(Op.Upscale);
  const cluttered = m.backgroundClutter > t.clutteredBackdrop;
  return {
    ops,
    deblurSigmaPx: blurry ? Math.sqrt(Math.max(0.25, m.blurSigmaPx ** 2 - CRISP_BLUR_SIGMA_PX ** 2)) : 0,
    noiseSigma: noisy ? m.noiseSigma * NOISE_ESTIMATE_TO_SIGMA : 0,
    wantsRegeneration: cluttered ? `cluttered backdrop (${Math.round(m.backgroundClutter * 100)}% of the border is unlike the backdrop, more than ${t.clutteredBackdrop * 100}%)` : undefined,
  };
}
