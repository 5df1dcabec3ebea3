import sharp, { type Sharp } from 'sharp';
import { background, subjectBox } from './analyse.js';
import type { Master } from './enhance.js';
import type { RawImage } from './raw.js';

export const OUTPUT_FORMATS = ['avif', 'webp', 'jpeg'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface VariantOptions {
  /** Catalogue aspect ratios, `w:h`. */
  readonly aspects: readonly string[];
  /** Widths per aspect, px. */
  readonly widths: readonly number[];
  readonly formats: readonly OutputFormat[];
  /** Space kept around the product, as a share of its box. */
  readonly marginRatio: number;
  /** AVIF encoder effort 0..9: the largest cost of the whole pipeline (see ENCODE). */
  readonly avifEffort: number;
}

export interface EncodedVariant {
  readonly aspect: string;
  readonly width: number;
  readonly height: number;
  readonly format: OutputFormat;
  readonly data: Buffer;
}

/**
 * Encoder settings for a product page. AVIF effort is the throughput lever: measured on a
 * 960x1200 photo, effort 0/2/4 take 0.23/1.0/8.0 s for 30/23.6/22.9 KB (WebP 0.25 s, JPEG 0.08 s).
 */
const ENCODE = {
  avif: { quality: 55 },
  webp: { quality: 80, effort: 4 },
  jpeg: { quality: 85, progressive: true, mozjpeg: false },
} as const;

export function parseAspect(aspect: string): [number, number] {
  const m = /^(\d+):(\d+)$/.exec(aspect);
  if (!m) throw new Error(`aspect ${JSON.stringify(aspect)} is not of the form w:h`);
  return [Number(m[1]), Number(m[2])];
}

/**
 * Smart crop: the window of the given aspect that holds the product (its box plus a margin on
 * every side), centred on it, so every catalogue image frames its product the same way. Where
 * the window leaves the frame the backdrop is extended rather than the product cut.
 */
export function cropWindow(img: RawImage, aspect: string, marginRatio: number): { left: number; top: number; width: number; height: number; backdrop: [number, number, number] } {
  const [aw, ah] = parseAspect(aspect);
  const bg = background(img);
  const box = subjectBox(img, bg.colour);
  const bw = box.x1 - box.x0 + 1;
  const bh = box.y1 - box.y0 + 1;
  const margin = marginRatio * Math.max(bw, bh);
  const width = Math.round(Math.max(bw + 2 * margin, ((bh + 2 * margin) * aw) / ah));
  const height = Math.round((width * ah) / aw);
  const cx = (box.x0 + box.x1 + 1) / 2;
  const cy = (box.y0 + box.y1 + 1) / 2;
  return { left: Math.round(cx - width / 2), top: Math.round(cy - height / 2), width, height, backdrop: bg.colour };
}

/** Every variant of a master: aspects x widths x formats. */
export async function encodeVariants(master: Master, opts: VariantOptions): Promise<EncodedVariant[]> {
  const { image, alpha } = master;
  const channels = alpha ? 4 : 3;
  let data = image.data;
  if (alpha) {
    data = Buffer.allocUnsafe(image.width * image.height * 4);
    for (let i = 0; i < image.width * image.height; i++) {
      image.data.copy(data, i * 4, i * 3, i * 3 + 3);
      data[i * 4 + 3] = alpha[i]!;
    }
  }
  const base = (): Sharp => sharp(data, { raw: { width: image.width, height: image.height, channels } });
  const out: EncodedVariant[] = [];
  for (const aspect of opts.aspects) {
    const win = cropWindow(image, aspect, opts.marginRatio);
    // Extend with the backdrop where the window leaves the frame, then cut the window.
    const padLeft = Math.max(0, -win.left);
    const padTop = Math.max(0, -win.top);
    const padRight = Math.max(0, win.left + win.width - image.width);
    const padBottom = Math.max(0, win.top + win.height - image.height);
    const [r, g, b] = win.backdrop;
    const fill = alpha ? { r: 255, g: 255, b: 255, alpha: 0 } : { r, g, b, alpha: 1 };
    // Two pipelines: sharp always extracts before it extends, whatever the call order.
    const padded = await base().extend({ left: padLeft, top: padTop, right: padRight, bottom: padBottom, background: fill }).raw().toBuffer({ resolveWithObject: true });
    const cropped = await sharp(padded.data, { raw: { width: padded.info.width, height: padded.info.height, channels: padded.info.channels } })
      .extract({ left: win.left + padLeft, top: win.top + padTop, width: win.width, height: win.height })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const [aw, ah] = parseAspect(aspect);
    // Every width, always: the app relies on the whole set. A crop narrower than a width is
    // enlarged a little (the master was already upscaled towards the target where it was small).
    for (const width of [...new Set(opts.widths)].sort((a, b) => a - b)) {
      const height = Math.round((width * ah) / aw);
      const resized = await sharp(cropped.data, { raw: { width: cropped.info.width, height: cropped.info.height, channels: cropped.info.channels } })
        .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
        .raw()
        .toBuffer({ resolveWithObject: true });
      const src = (): Sharp => sharp(resized.data, { raw: { width, height, channels: resized.info.channels } });
      const encoded = await Promise.all(
        opts.formats.map(async (format): Promise<EncodedVariant> => {
          const s = src();
          const buf =
            format === 'avif' ? await s.avif({ ...ENCODE.avif, effort: opts.avifEffort }).toBuffer() : format === 'webp' ? await s.webp(ENCODE.webp).toBuffer() : await s.flatten({ background: '#ffffff' }).jpeg(ENCODE.jpeg).toBuffer();
          return { aspect, width, height, format, data: buf };
        }),
      );
      out.push(...encoded);
    }
  }
  return out;
}
