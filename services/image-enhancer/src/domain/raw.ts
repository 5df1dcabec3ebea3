import sharp, { type KernelEnum, type Sharp } from 'sharp';

/** Decoded pixels: 8-bit sRGB, 3 channels, row-major, interleaved. Everything in the pipeline works on this. */
export interface RawImage {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

/** A sharp pipeline over a raw image (no re-decoding, no colour management surprises). */
export function fromRaw(img: RawImage): Sharp {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });
}

/** Runs a sharp pipeline to raw RGB. */
export async function toRaw(s: Sharp): Promise<RawImage> {
  const { data, info } = await s.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
  return { data, width: info.width, height: info.height };
}

export async function resizeRaw(img: RawImage, width: number, height: number, kernel: keyof KernelEnum = 'lanczos3'): Promise<RawImage> {
  if (img.width === width && img.height === height) return img;
  return toRaw(fromRaw(img).resize(width, height, { fit: 'fill', kernel }));
}

/** Luma (BT.601) as floats in 0..255. */
export function luma(img: RawImage): Float32Array {
  const { data } = img;
  const n = img.width * img.height;
  const y = new Float32Array(n);
  for (let i = 0, p = 0; i < n; i++, p += 3) y[i] = 0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]!;
  return y;
}

export function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

/** Separable Gaussian blur of one float plane, edges clamped. */
export function gaussianBlur(src: Float32Array, width: number, height: number, sigma: number): Float32Array {
  if (sigma <= 0) return src.slice();
  const radius = Math.max(1, Math.ceil(sigma * 3));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += kernel[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < kernel.length; i++) kernel[i]! /= sum;
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  const taps = kernel.length;
  // Rows: clamped edges only near the ends; the interior runs without branches.
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let acc = 0;
      if (x >= radius && x < width - radius) {
        const base = row + x - radius;
        for (let k = 0; k < taps; k++) acc += kernel[k]! * src[base + k]!;
      } else {
        for (let k = -radius; k <= radius; k++) {
          const xx = x + k < 0 ? 0 : x + k >= width ? width - 1 : x + k;
          acc += kernel[k + radius]! * src[row + xx]!;
        }
      }
      tmp[row + x] = acc;
    }
  }
  // Columns: accumulate whole rows at a time (cache-friendly).
  const acc = new Float32Array(width);
  for (let y = 0; y < height; y++) {
    acc.fill(0);
    for (let k = -radius; k <= radius; k++) {
      const yy = y + k < 0 ? 0 : y + k >= height ? height - 1 : y + k;
      const wk = kernel[k + radius]!;
      const off = yy * width;
      for (let x = 0; x < width; x++) acc[x]! += wk * tmp[off + x]!;
    }
    out.set(acc, y * width);
  }
  return out;
}

/** Mean over a (2r+1)^2 box, edges clamped, via an integral image: O(pixels) whatever the radius. */
export function boxMean(src: Float32Array, width: number, height: number, r: number): Float32Array {
  const w1 = width + 1;
  const integral = new Float64Array(w1 * (height + 1));
  for (let y = 0; y < height; y++) {
    let rowSum = 0;
    for (let x = 0; x < width; x++) {
      rowSum += src[y * width + x]!;
      integral[(y + 1) * w1 + x + 1] = integral[y * w1 + x + 1]! + rowSum;
    }
  }
  const out = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(height, y + r + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(width, x + r + 1);
      const s = integral[y1 * w1 + x1]! - integral[y0 * w1 + x1]! - integral[y1 * w1 + x0]! + integral[y0 * w1 + x0]!;
      out[y * width + x] = s / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

/** Splits interleaved RGB into three float planes. */
export function planes(img: RawImage): [Float32Array, Float32Array, Float32Array] {
  const n = img.width * img.height;
  const r = new Float32Array(n);
  const g = new Float32Array(n);
  const b = new Float32Array(n);
  const d = img.data;
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    r[i] = d[p]!;
    g[i] = d[p + 1]!;
    b[i] = d[p + 2]!;
  }
  return [r, g, b];
}

export function fromPlanes(width: number, height: number, [r, g, b]: readonly [Float32Array, Float32Array, Float32Array]): RawImage {
  const n = width * height;
  const data = Buffer.allocUnsafe(n * 3);
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    data[p] = clampByte(r[i]!);
    data[p + 1] = clampByte(g[i]!);
    data[p + 2] = clampByte(b[i]!);
  }
  return { data, width, height };
}

/** Percentile of a byte channel (0..1), by histogram. */
export function channelPercentile(img: RawImage, channel: 0 | 1 | 2, q: number): number {
  const hist = new Uint32Array(256);
  const d = img.data;
  for (let p = channel; p < d.length; p += 3) hist[d[p]!]!++;
  return histPercentile(hist, img.width * img.height, q);
}

export function histPercentile(hist: Uint32Array, total: number, q: number): number {
  const target = q * total;
  let acc = 0;
  for (let v = 0; v < 256; v++) {
    acc += hist[v]!;
    if (acc >= target) return v;
  }
  return 255;
}

/** sRGB byte -> linear light (0..1), the IEC 61966-2-1 transfer function. */
export const SRGB_TO_LINEAR: Float32Array = (() => {
  const t = new Float32Array(256);
  for (let v = 0; v < 256; v++) {
    const c = v / 255;
    t[v] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }
  return t;
})();

/** Linear light (0..1, clamped) -> sRGB byte. */
export function linearToSrgbByte(l: number): number {
  const c = l <= 0 ? 0 : l >= 1 ? 1 : l;
  return clampByte(255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055));
}
