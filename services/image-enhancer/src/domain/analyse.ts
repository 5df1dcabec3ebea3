import { gaussianBlur, histPercentile, luma, type RawImage } from './raw.js';

/**
 * No-reference quality metrics of one photo. Every number is cheap to compute (a few passes
 * over the pixels) and has a unit, so the plan can reason with thresholds a person can check.
 */
export interface QualityMetrics {
  width: number;
  height: number;
  /** Longest side over the catalogue's target longest side (1 = big enough). */
  resolution: number;
  /** Estimated Gaussian blur of the sharpest edges, in px (about 0.7 for a crisp photo). */
  blurSigmaPx: number;
  /** 1 / (1 + excess blur): 1 for a crisp photo, lower as edges soften. */
  sharpness: number;
  /** Estimated noise standard deviation in 8-bit levels, measured on flat areas. */
  noiseSigma: number;
  /** Mean luma, 0..1. */
  brightness: number;
  /** Stops the bright end (99.5th luma percentile) sits below white; 0 when highlights reach white. */
  exposureEv: number;
  /** Luma spread between the 0.5th and 99.5th percentiles, 0..1. */
  contrast: number;
  /** Fractions of pixels crushed to black and blown to white. */
  clipLow: number;
  clipHigh: number;
  /** Largest relative deviation of a channel from neutral, read on a uniform backdrop (0 = neutral or no reference). */
  colourCast: number;
  /** Background (border) colour and how uniform it is (mean colour distance from its median, levels). */
  backgroundLuma: number;
  backgroundSpread: number;
  /** Chroma of the background median (0 = neutral grey or white). */
  backgroundChroma: number;
  /** Share of the border far from the backdrop colour: clutter, or a subject cut by the frame. */
  backgroundClutter: number;
  /** Subject bounding box: centre (0..1 of width/height) and its share of the frame. */
  subjectCx: number;
  subjectCy: number;
  subjectCoverage: number;
  /** Distance of the subject centre from the frame centre, 0..~0.7. */
  subjectOffset: number;
}

export interface AnalyseOptions {
  /** The catalogue's largest variant (longest side, px). */
  readonly targetLongSidePx: number;
}

/** Calibration: the blur a crisp edge measures at with this estimator (antialiasing, demosaicing). */
export const CRISP_BLUR_SIGMA_PX = 0.7;
const REBLUR_SIGMA_PX = 1;

export function analyse(img: RawImage, opts: AnalyseOptions): QualityMetrics {
  const { width: w, height: h } = img;
  const y = luma(img);
  const n = w * h;

  const hist = new Uint32Array(256);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    hist[v < 0 ? 0 : v > 255 ? 255 : Math.round(v)]!++;
    sum += v;
  }
  const p005 = histPercentile(hist, n, 0.005);
  const p995 = histPercentile(hist, n, 0.995);
  let low = 0;
  let high = 0;
  for (let v = 0; v <= 2; v++) low += hist[v]!;
  for (let v = 253; v <= 255; v++) high += hist[v]!;

  const { blurSigmaPx } = estimateBlur(y, w, h);
  const noiseSigma = estimateNoise(y, w, h);
  const bg = background(img);
  const cast = colourCast(bg);
  const subject = subjectBox(img, bg.colour);

  return {
    width: w,
    height: h,
    resolution: round(Math.max(w, h) / opts.targetLongSidePx, 3),
    blurSigmaPx: round(blurSigmaPx, 3),
    sharpness: round(1 / (1 + Math.max(0, blurSigmaPx - CRISP_BLUR_SIGMA_PX)), 3),
    noiseSigma: round(noiseSigma, 3),
    brightness: round(sum / n / 255, 4),
    exposureEv: round(Math.min(0, Math.log2(Math.max(1, p995) / 250)), 3),
    contrast: round((p995 - p005) / 255, 4),
    clipLow: round(low / n, 5),
    clipHigh: round(high / n, 5),
    colourCast: round(cast, 4),
    backgroundLuma: round(bg.luma, 2),
    backgroundSpread: round(bg.spread, 2),
    backgroundChroma: round(bg.chroma, 2),
    backgroundClutter: round(bg.clutter, 4),
    subjectCx: round(subject.cx, 4),
    subjectCy: round(subject.cy, 4),
    subjectCoverage: round(subject.coverage, 4),
    subjectOffset: round(Math.hypot(subject.cx - 0.5, subject.cy - 0.5), 4),
  };
}

/**
 * Blur from the gradient ratio at strong edges (Zhuo & Sim, "Defocus map estimation from a
 * single image"): re-blurring an edge of blur s with sigma0 lowers its peak gradient by
 * r = sqrt(s^2 + sigma0^2) / s, so s = sigma0 / sqrt(r^2 - 1).
 */
export function estimateBlur(y: Float32Array, w: number, h: number): { blurSigmaPx: number; edges: number } {
  const y1 = gaussianBlur(y, w, h, REBLUR_SIGMA_PX);
  const mags = new Float32Array(w * h);
  const mags1 = new Float32Array(w * h);
  for (let yy = 1; yy < h - 1; yy++) {
    for (let x = 1; x < w - 1; x++) {
      const i = yy * w + x;
      // sqrt, not Math.hypot: hypot is several times slower and this runs per pixel.
      const gx = y[i + 1]! - y[i - 1]!;
      const gy = y[i + w]! - y[i - w]!;
      const gx1 = y1[i + 1]! - y1[i - 1]!;
      const gy1 = y1[i + w]! - y1[i - w]!;
      mags[i] = Math.sqrt(gx * gx + gy * gy) / 2;
      mags1[i] = Math.sqrt(gx1 * gx1 + gy1 * gy1) / 2;
    }
  }
  // Strong edges only: the top 1% of gradients, and at least 10 levels per pixel.
  const threshold = Math.max(10, quantile(mags, 0.99, 256));
  const ratios: number[] = [];
  for (let yy = 2; yy < h - 2; yy++) {
    for (let x = 2; x < w - 2; x++) {
      const i = yy * w + x;
      const m = mags[i]!;
      // Local maxima across the edge: the peak gradient is what the ratio is about.
      if (m < threshold || m < mags[i - 1]! || m < mags[i + 1]! || m < mags[i - w]! || m < mags[i + w]!) continue;
      if (mags1[i]! > 0) ratios.push(m / mags1[i]!);
    }
  }
  if (ratios.length < 20) return { blurSigmaPx: CRISP_BLUR_SIGMA_PX, edges: ratios.length };
  ratios.sort((a, b) => a - b);
  const r = ratios[Math.floor(ratios.length / 2)]!;
  const blurSigmaPx = r <= 1.0001 ? 10 : Math.min(10, REBLUR_SIGMA_PX / Math.sqrt(r * r - 1));
  return { blurSigmaPx, edges: ratios.length };
}

/**
 * Noise by Immerkaer's fast estimator ("Fast noise variance estimation", 1996): the mean
 * absolute response to a Laplacian-difference mask that cancels smooth structure, measured
 * only on flat, unclipped pixels so texture and edges do not count as noise.
 */
export function estimateNoise(y: Float32Array, w: number, h: number): number {
  let acc = 0;
  let count = 0;
  const sobel = new Float32Array(w * h);
  const lap = new Float32Array(w * h);
  let m = 0;
  for (let yy = 1; yy < h - 1; yy++) {
    for (let x = 1; x < w - 1; x++) {
      const i = yy * w + x;
      const c = y[i]!;
      if (c < 8 || c > 247) continue;
      const gx = y[i - w + 1]! + 2 * y[i + 1]! + y[i + w + 1]! - y[i - w - 1]! - 2 * y[i - 1]! - y[i + w - 1]!;
      const gy = y[i + w - 1]! + 2 * y[i + w]! + y[i + w + 1]! - y[i - w - 1]! - 2 * y[i - w]! - y[i - w + 1]!;
      const conv =
        y[i - w - 1]! - 2 * y[i - w]! + y[i - w + 1]! - 2 * y[i - 1]! + 4 * c - 2 * y[i + 1]! + y[i + w - 1]! - 2 * y[i + w]! + y[i + w + 1]!;
      sobel[m] = Math.abs(gx) + Math.abs(gy);
      lap[m++] = Math.abs(conv);
    }
  }
  if (m === 0) return 0;
  // Flat = the lower half of Sobel responses (a fixed share, so it adapts to the noise level itself).
  const cut = quantile(sobel.subarray(0, m), 0.5, 8 * 255);
  for (let k = 0; k < m; k++) {
    if (sobel[k]! <= cut) {
      acc += lap[k]!;
      count++;
    }
  }
  return count === 0 ? 0 : (Math.sqrt(Math.PI / 2) / 6) * (acc / count);
}

/** Backdrop spread (levels) below which the backdrop is uniform enough to be a colour reference. */
export const UNIFORM_BACKDROP_SPREAD = 14;

/**
 * Cast read on the backdrop: a product photo's backdrop is meant to be neutral, while the
 * product may be any colour (so grey-world on the whole frame would "correct" a yellow bag).
 * Without a uniform, lit backdrop there is no reference and no cast is claimed.
 */
function colourCast(bg: Background): number {
  if (bg.spread > UNIFORM_BACKDROP_SPREAD || bg.luma < 60) return 0;
  const mean = (bg.colour[0] + bg.colour[1] + bg.colour[2]) / 3;
  return Math.max(...bg.colour.map((c) => Math.abs(c - mean))) / mean;
}

export interface Background {
  colour: [number, number, number];
  luma: number;
  spread: number;
  chroma: number;
  clutter: number;
}

/** The backdrop as seen on a 2% border all round the frame. */
export function background(img: RawImage): Background {
  const { width: w, height: h, data } = img;
  const band = Math.max(2, Math.round(Math.min(w, h) * 0.02));
  const idx: number[] = [];
  for (let yy = 0; yy < h; yy++) {
    const inner = yy >= band && yy < h - band;
    for (let x = 0; x < w; x++) {
      if (inner && x >= band && x < w - band) {
        x = w - band - 1;
        continue;
      }
      idx.push((yy * w + x) * 3);
    }
  }
  const hist = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  for (const p of idx) for (let c = 0; c < 3; c++) hist[c]![data[p + c]!]!++;
  const colour = hist.map((hc) => histPercentile(hc, idx.length, 0.5)) as [number, number, number];
  let spread = 0;
  let far = 0;
  for (const p of idx) {
    const dr = data[p]! - colour[0];
    const dg = data[p + 1]! - colour[1];
    const db = data[p + 2]! - colour[2];
    spread += Math.sqrt(dr * dr + dg * dg + db * db);
    if (Math.abs(dr) + Math.abs(dg) + Math.abs(db) > 48) far++;
  }
  spread /= idx.length;
  const lum = 0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2];
  const mean = (colour[0] + colour[1] + colour[2]) / 3;
  const chroma = Math.max(...colour.map((c) => Math.abs(c - mean)));
  return { colour, luma: lum, spread, chroma, clutter: far / idx.length };
}

/** Bounding box of everything that differs clearly from the backdrop colour. */
export function subjectBox(img: RawImage, bg: readonly [number, number, number], tolerance = 40): { x0: number; y0: number; x1: number; y1: number; cx: number; cy: number; coverage: number } {
  const { width: w, height: h, data } = img;
  const rowHits = new Uint32Array(h);
  const colHits = new Uint32Array(w);
  for (let yy = 0; yy < h; yy++) {
    for (let x = 0; x < w; x++) {
      const p = (yy * w + x) * 3;
      if (Math.abs(data[p]! - bg[0]) + Math.abs(data[p + 1]! - bg[1]) + Math.abs(data[p + 2]! - bg[2]) > tolerance) {
        rowHits[yy]!++;
        colHits[x]!++;
      }
    }
  }
  // Ignore stray specks: a row or column belongs to the subject when 0.5% of it differs.
  const span = (hits: Uint32Array, across: number): [number, number] => {
    const need = Math.max(1, across * 0.005);
    let a = 0;
    while (a < hits.length && hits[a]! < need) a++;
    let b = hits.length - 1;
    while (b >= 0 && hits[b]! < need) b--;
    return a > b ? [0, hits.length - 1] : [a, b];
  };
  const [y0, y1] = span(rowHits, w);
  const [x0, x1] = span(colHits, h);
  return { x0, y0, x1, y1, cx: (x0 + x1 + 1) / 2 / w, cy: (y0 + y1 + 1) / 2 / h, coverage: ((x1 - x0 + 1) * (y1 - y0 + 1)) / (w * h) };
}

/** Approximate quantile of non-negative values by a 4096-bin histogram over [0, max]. */
function quantile(values: Float32Array, q: number, max: number): number {
  const bins = 4096;
  const hist = new Uint32Array(bins + 1);
  for (let i = 0; i < values.length; i++) hist[Math.min(bins, Math.floor((values[i]! / max) * bins))]!++;
  const target = q * values.length;
  let acc = 0;
  for (let b = 0; b <= bins; b++) {
    acc += hist[b]!;
    if (acc >= target) return ((b + 1) / bins) * max;
  }
  return max;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
