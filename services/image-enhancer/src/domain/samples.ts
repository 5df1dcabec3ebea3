import sharp from 'sharp';
import { SRGB_TO_LINEAR, clampByte, fromRaw, linearToSrgbByte, resizeRaw, toRaw, type RawImage } from './raw.js';

/**
 * Generated product-like photos (no network, no files): a product silhouette with shading,
 * a printed pattern, stitching and a label, a soft contact shadow, on a studio-white
 * background, rendered from SVG by libvips. Deterministic for a seed.
 */
export interface SampleSpec {
  readonly seed: number;
  readonly width?: number;
  readonly height?: number;
  /** Backdrop colour; studio white by default. */
  readonly background?: string;
  /** Random shapes behind the product (a cluttered backdrop). */
  readonly clutter?: boolean;
}

/** The catalogue's target size (TARGET_LONG_SIDE_PX), so a clean sample needs no upscaling. */
export const SAMPLE_SIZE = { width: 960, height: 1200 } as const;

/** A small seeded PRNG (mulberry32): the same seed gives the same photo everywhere. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PALETTE = ['#1f4e79', '#b03a2e', '#2e7d32', '#6a1b9a', '#c2185b', '#00838f', '#ef6c00', '#37474f', '#8d6e63', '#f9a825'];
const KINDS = ['tshirt', 'bag', 'bottle', 'sneaker', 'mug'] as const;

function shapePath(kind: (typeof KINDS)[number], w: number, h: number): string {
  const s = (x: number, y: number): string => `${((x * w) / 100).toFixed(1)},${((y * h) / 100).toFixed(1)}`;
  switch (kind) {
    case 'tshirt':
      return `M${s(35, 18)} L${s(22, 24)} L${s(12, 40)} L${s(24, 46)} L${s(28, 38)} L${s(28, 82)} L${s(72, 82)} L${s(72, 38)} L${s(76, 46)} L${s(88, 40)} L${s(78, 24)} L${s(65, 18)} Q${s(50, 28)} ${s(35, 18)} Z`;
    case 'bag':
      return `M${s(22, 38)} L${s(78, 38)} L${s(84, 82)} L${s(16, 82)} Z M${s(36, 38)} Q${s(36, 18)} ${s(50, 18)} Q${s(64, 18)} ${s(64, 38)} L${s(60, 38)} Q${s(60, 23)} ${s(50, 23)} Q${s(40, 23)} ${s(40, 38)} Z`;
    case 'bottle':
      return `M${s(44, 14)} L${s(56, 14)} L${s(56, 26)} Q${s(68, 32)} ${s(68, 44)} L${s(68, 82)} Q${s(68, 86)} ${s(64, 86)} L${s(36, 86)} Q${s(32, 86)} ${s(32, 82)} L${s(32, 44)} Q${s(32, 32)} ${s(44, 26)} Z`;
    case 'sneaker':
      return `M${s(14, 70)} L${s(16, 52)} Q${s(30, 50)} ${s(40, 40)} L${s(54, 42)} Q${s(60, 54)} ${s(78, 58)} Q${s(88, 60)} ${s(88, 70)} L${s(88, 74)} L${s(14, 74)} Z`;
    case 'mug':
      return `M${s(26, 34)} L${s(66, 34)} L${s(64, 80)} Q${s(46, 86)} ${s(28, 80)} Z M${s(66, 42)} Q${s(82, 42)} ${s(80, 56)} Q${s(78, 68)} ${s(64, 66)} L${s(65, 60)} Q${s(74, 60)} ${s(74, 54)} Q${s(74, 48)} ${s(66, 48)} Z`;
  }
}

export function sampleSvg(spec: SampleSpec): string {
  const r = rng(spec.seed);
  const w = spec.width ?? SAMPLE_SIZE.width;
  const h = spec.height ?? SAMPLE_SIZE.height;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const kind = pick(KINDS);
  const base = pick(PALETTE);
  const accent = pick(PALETTE.filter((c) => c !== base));
  const stripe = 6 + Math.floor(r() * 14);
  const angle = Math.floor(r() * 90) - 45;
  const dx = (r() - 0.5) * w * 0.16;
  const dy = (r() - 0.5) * h * 0.08;
  const path = shapePath(kind, w, h);
  const clutter = spec.clutter
    ? Array.from({ length: 40 }, () => {
        const cx = r() * w;
        const cy = r() * h;
        return `<rect x="${cx.toFixed(0)}" y="${cy.toFixed(0)}" width="${(20 + r() * 140).toFixed(0)}" height="${(20 + r() * 140).toFixed(0)}" fill="${pick(PALETTE)}" opacity="${(0.3 + r() * 0.5).toFixed(2)}" transform="rotate(${Math.floor(r() * 90)} ${cx.toFixed(0)} ${cy.toFixed(0)})"/>`;
      }).join('')
    : '';
  const label = `SKU-${(spec.seed * 7919) % 100000}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">
<defs>
  <linearGradient id="shade" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#ffffff" stop-opacity="0.35"/><stop offset="0.55" stop-color="#ffffff" stop-opacity="0"/><stop offset="1" stop-color="#000000" stop-opacity="0.35"/></linearGradient>
  <pattern id="print" width="${stripe * 2}" height="${stripe * 2}" patternUnits="userSpaceOnUse" patternTransform="rotate(${angle})">
    <rect width="${stripe}" height="${stripe * 2}" fill="${accent}" opacity="0.55"/><circle cx="${stripe * 1.5}" cy="${stripe}" r="${stripe / 3}" fill="#ffffff" opacity="0.7"/>
  </pattern>
  <filter id="soft" x="-20%" y="-20%" width="140%" height="140%"><feGaussianBlur stdDeviation="${(w / 60).toFixed(1)}"/></filter>
</defs>
<rect width="100%" height="100%" fill="${spec.background ?? '#ffffff'}"/>
${clutter}
<g transform="translate(${dx.toFixed(1)} ${dy.toFixed(1)})">
  <ellipse cx="${w / 2}" cy="${(h * 0.86).toFixed(0)}" rx="${(w * 0.34).toFixed(0)}" ry="${(h * 0.025).toFixed(0)}" fill="#000" opacity="0.28" filter="url(#soft)"/>
  <path d="${path}" fill="${base}" fill-rule="evenodd"/>
  <path d="${path}" fill="url(#print)" fill-rule="evenodd"/>
  <path d="${path}" fill="url(#shade)" fill-rule="evenodd"/>
  <path d="${path}" fill="none" stroke="#ffffff" stroke-opacity="0.8" stroke-width="1.5" stroke-dasharray="5 4" transform="translate(${w / 2} ${h / 2}) scale(0.94) translate(${-w / 2} ${-h / 2})" fill-rule="evenodd"/>
  <rect x="${(w * 0.41).toFixed(0)}" y="${(h * 0.6).toFixed(0)}" width="${(w * 0.18).toFixed(0)}" height="${(h * 0.05).toFixed(0)}" fill="#fafafa" stroke="#222" stroke-width="1"/>
  <text x="${(w * 0.5).toFixed(0)}" y="${(h * 0.637).toFixed(0)}" font-family="DejaVu Sans, sans-serif" font-size="${(h * 0.024).toFixed(0)}" text-anchor="middle" fill="#111">${label}</text>
</g>
</svg>`;
}

/** A clean product photo as raw pixels. */
export async function cleanSample(spec: SampleSpec): Promise<RawImage> {
  return toRaw(sharp(Buffer.from(sampleSvg(spec))).flatten({ background: '#ffffff' }));
}

/** The degradations the evaluation knows the answer for. */
export const DEGRADATIONS = ['blur', 'noise', 'dark', 'cast', 'small'] as const;
export type Degradation = (typeof DEGRADATIONS)[number];

/** How strong each degradation is; chosen to look like typical merchant uploads. */
export const DEGRADATION_SETTINGS = {
  /** Gaussian blur sigma, px (out of focus / camera shake). */
  blurSigmaPx: 2,
  /** Gaussian noise standard deviation per channel, in 8-bit levels (high-ISO phone photo). */
  noiseSigma: 12,
  /** Exposure multiplier in linear light (1.3 stops under). */
  darkGain: 0.4,
  /** Per-channel gains in linear light: a warm tungsten cast. */
  castGains: [1.0, 0.9, 0.7] as const,
  /** Linear downscale factor (a thumbnail-sized upload). */
  smallFactor: 4,
} as const;

export async function degrade(clean: RawImage, kind: Degradation, seed = 1): Promise<RawImage> {
  const s = DEGRADATION_SETTINGS;
  switch (kind) {
    case 'blur':
      return toRaw(fromRaw(clean).blur(s.blurSigmaPx));
    case 'noise': {
      const r = rng(seed);
      const out = Buffer.allocUnsafe(clean.data.length);
      for (let i = 0; i < out.length; i++) {
        // Box-Muller: Gaussian noise.
        const g = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
        out[i] = clampByte(clean.data[i]! + g * s.noiseSigma);
      }
      return { data: out, width: clean.width, height: clean.height };
    }
    case 'dark':
    case 'cast': {
      // In linear light, as a camera under-exposes or white-balances wrongly.
      const gains = kind === 'dark' ? [s.darkGain, s.darkGain, s.darkGain] : s.castGains;
      const out = Buffer.allocUnsafe(clean.data.length);
      for (let i = 0; i < out.length; i++) out[i] = linearToSrgbByte(SRGB_TO_LINEAR[clean.data[i]!]! * gains[i % 3]!);
      return { data: out, width: clean.width, height: clean.height };
    }
    case 'small':
      return resizeRaw(clean, Math.round(clean.width / s.smallFactor), Math.round(clean.height / s.smallFactor), 'lanczos3');
  }
}

/** Encodes a raw image as a JPEG upload, as a phone or a merchant's tool would. */
export async function asJpeg(img: RawImage, quality = 92): Promise<Buffer> {
  return fromRaw(img).jpeg({ quality, chromaSubsampling: '4:4:4' }).toBuffer();
}
