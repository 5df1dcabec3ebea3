import { gaussianBlur, luma, type RawImage } from './raw.js';

/** PSNR ceiling reported for identical images (the true value is infinite, which JSON cannot carry). */
export const PSNR_IDENTICAL_DB = 100;

/** Peak signal-to-noise ratio over all RGB samples, in dB. Both images must have the same size. */
export function psnr(a: RawImage, b: RawImage): number {
  sameSize(a, b);
  let se = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = a.data[i]! - b.data[i]!;
    se += d * d;
  }
  const mse = se / a.data.length;
  if (mse === 0) return PSNR_IDENTICAL_DB;
  return Math.min(PSNR_IDENTICAL_DB, 10 * Math.log10((255 * 255) / mse));
}

/** Mean SSIM on luma with the usual 11-tap Gaussian window (sigma 1.5). */
export function ssim(a: RawImage, b: RawImage): number {
  sameSize(a, b);
  const { width: w, height: h } = a;
  const x = luma(a);
  const y = luma(b);
  const n = x.length;
  const xx = new Float32Array(n);
  const yy = new Float32Array(n);
  const xy = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    xx[i] = x[i]! * x[i]!;
    yy[i] = y[i]! * y[i]!;
    xy[i] = x[i]! * y[i]!;
  }
  const mx = gaussianBlur(x, w, h, 1.5);
  const my = gaussianBlur(y, w, h, 1.5);
  const sxx = gaussianBlur(xx, w, h, 1.5);
  const syy = gaussianBlur(yy, w, h, 1.5);
  const sxy = gaussianBlur(xy, w, h, 1.5);
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const vx = sxx[i]! - mx[i]! * mx[i]!;
    const vy = syy[i]! - my[i]! * my[i]!;
    const cxy = sxy[i]! - mx[i]! * my[i]!;
    sum += ((2 * mx[i]! * my[i]! + c1) * (2 * cxy + c2)) / ((mx[i]! * mx[i]! + my[i]! * my[i]! + c1) * (vx + vy + c2));
  }
  return sum / n;
}

function sameSize(a: RawImage, b: RawImage): void {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`images differ in size: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
}
