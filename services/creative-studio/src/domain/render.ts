import sharp, { type OverlayOptions } from 'sharp';
import type { ThemePalette } from './palette.js';
import { productImage, type ProductImageInput } from './product-images.js';

/**
 * Lookbook pages with sharp: a background and typography drawn as one SVG, product photos
 * composited on cards in a grid, encoded as WebP; and the slideshow, the pages joined into one
 * animated WebP (sharp's `join: { animated: true }`).
 */

export interface RenderItem {
  readonly productId: string;
  readonly title: string;
  /** Second caption line, e.g. "Basico · 299 kr". */
  readonly caption: string;
  /** Blob-store key of the photo to show (the enhanced variant when there is one). */
  readonly imageKey?: string;
  /** What to draw when the photo cannot be read. */
  readonly fallback: ProductImageInput;
}

export interface PageSpec {
  readonly width: number;
  readonly height: number;
  readonly palette: ThemePalette;
  readonly heading: string;
  readonly subheading?: string;
  readonly items: readonly RenderItem[];
  /** Cover only: a generated hero image shown full width above the heading. */
  readonly hero?: Buffer;
  readonly footer?: string;
}

/** Reads a photo's bytes, or undefined when there is none. */
export type ImageLoader = (key: string) => Promise<Buffer | undefined>;

const FONT = 'DejaVu Sans, Liberation Sans, sans-serif';
const SERIF = 'DejaVu Serif, Liberation Serif, serif';

export const escapeXml = (s: string): string => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** Greedy word wrap by an average glyph width (0.55 em is close for DejaVu Sans); the last line is ellipsised. */
export function wrap(text: string, fontSize: number, maxWidth: number, maxLines: number): string[] {
  const perLine = Math.max(4, Math.floor(maxWidth / (fontSize * 0.56)));
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (next.length <= perLine) line = next;
    else {
      if (line) lines.push(line);
      line = word.length > perLine ? `${word.slice(0, perLine - 1)}…` : word;
    }
  }
  if (line) lines.push(line);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    const last = kept[maxLines - 1]!;
    kept[maxLines - 1] = last.length >= perLine ? `${last.slice(0, perLine - 1)}…` : `${last}…`;
    return kept;
  }
  return lines;
}

function textBlock(lines: readonly string[], x: number, y: number, size: number, fill: string, opts: { family?: string; weight?: string; lineHeight?: number } = {}): string {
  const lh = size * (opts.lineHeight ?? 1.25);
  return lines
    .map((l, i) => `<text x="${x}" y="${Math.round(y + i * lh)}" font-family="${opts.family ?? FONT}" font-size="${size}" font-weight="${opts.weight ?? 'normal'}" fill="${fill}">${escapeXml(l)}</text>`)
    .join('');
}

/**
 * Resized product photos, cached per key and size: the same products appear in many lookbooks of
 * a campaign, and decoding and resizing is most of a page's cost.
 */
export class TileCache {
  private readonly tiles = new Map<string, Promise<Buffer>>();
  constructor(
    private readonly load: ImageLoader,
    private readonly max = 600,
  ) {}

  tile(item: RenderItem, width: number, height: number): Promise<Buffer> {
    const id = `${item.imageKey ?? `fallback:${item.productId}`}@${width}x${height}`;
    const hit = this.tiles.get(id);
    if (hit) {
      this.tiles.delete(id);
      this.tiles.set(id, hit); // most recently used last
      return hit;
    }
    const made = this.make(item, width, height);
    this.tiles.set(id, made);
    made.catch(() => this.tiles.delete(id));
    while (this.tiles.size > this.max) this.tiles.delete(this.tiles.keys().next().value!);
    return made;
  }

  private async make(item: RenderItem, width: number, height: number): Promise<Buffer> {
    let bytes = item.imageKey ? await this.load(item.imageKey) : undefined;
    if (bytes) {
      try {
        return await sharp(bytes).rotate().resize(width, height, { fit: 'contain', background: '#ffffff' }).flatten({ background: '#ffffff' }).jpeg({ quality: 88 }).toBuffer();
      } catch {
        bytes = undefined; // unreadable photo: draw the product instead of failing the page
      }
    }
    const drawn = await productImage(item.fallback, Math.max(200, Math.round(width)));
    return sharp(drawn).resize(width, height, { fit: 'contain', background: '#ffffff' }).jpeg({ quality: 88 }).toBuffer();
  }
}

/** One page: heading and subheading on top (or below a hero), then a grid of product cards. */
export async function renderPage(spec: PageSpec, tiles: TileCache): Promise<Buffer> {
  const { width: W, height: H, palette: c } = spec;
  const m = Math.round(W * 0.06);
  const headSize = Math.round(W * 0.05);
  const subSize = Math.round(W * 0.024);
  const overlays: OverlayOptions[] = [];
  let svg = `<rect width="${W}" height="${H}" fill="${c.background}"/><rect x="${m}" y="${Math.round(m * 0.6)}" width="${Math.round(W * 0.12)}" height="${Math.max(3, Math.round(W * 0.006))}" fill="${c.accent}"/>`;
  let top = m * 1.3;
  if (spec.hero) {
    const heroH = Math.round(H * 0.5);
    overlays.push({ input: await sharp(spec.hero).resize(W - 2 * m, heroH, { fit: 'cover', position: 'attention' }).toBuffer(), left: m, top: Math.round(top) });
    top += heroH + m * 0.6;
  }
  const heading = wrap(spec.heading, headSize, W - 2 * m, 2);
  svg += textBlock(heading, m, top + headSize, headSize, c.ink, { family: SERIF, weight: 'bold', lineHeight: 1.15 });
  top += headSize * 1.15 * heading.length + headSize * 0.4;
  if (spec.subheading) {
    const sub = wrap(spec.subheading, subSize, W - 2 * m, spec.hero ? 3 : 4);
    svg += textBlock(sub, m, top + subSize, subSize, c.muted, { lineHeight: 1.4 });
    top += subSize * 1.4 * sub.length + subSize;
  }
  const footerH = spec.footer ? Math.round(H * 0.05) : 0;
  const n = spec.items.length;
  const cols = n <= 1 ? 1 : n <= 4 ? 2 : 3;
  const rows = Math.max(1, Math.ceil(n / cols));
  const gap = Math.round(W * 0.025);
  const gridTop = Math.round(top);
  const gridH = H - gridTop - m - footerH;
  const cellW = Math.floor((W - 2 * m - (cols - 1) * gap) / cols);
  const cellH = Math.floor((gridH - (rows - 1) * gap) / rows);
  const capSize = Math.max(10, Math.round(Math.min(cellW * 0.055, W * 0.02)));
  const captionH = Math.round(capSize * 3.2);
  const pad = Math.round(cellW * 0.04);
  if (n > 0 && cellH - captionH - 2 * pad > 20) {
    const imgW = cellW - 2 * pad;
    const imgH = cellH - captionH - 2 * pad;
    const placed = await Promise.all(spec.items.map((item) => tiles.tile(item, imgW, imgH)));
    spec.items.forEach((item, i) => {
      const x = m + (i % cols) * (cellW + gap);
      const y = gridTop + Math.floor(i / cols) * (cellH + gap);
      svg += `<rect x="${x + 3}" y="${y + 5}" width="${cellW}" height="${cellH}" rx="10" fill="#000" opacity="0.06"/><rect x="${x}" y="${y}" width="${cellW}" height="${cellH}" rx="10" fill="#ffffff"/>`;
      svg += textBlock(wrap(item.title, capSize, imgW, 1), x + pad, y + pad + imgH + capSize * 1.4, capSize, '#1e1e1e', { weight: 'bold' });
      svg += textBlock(wrap(item.caption, capSize, imgW, 1), x + pad, y + pad + imgH + capSize * 2.7, capSize, '#6b6b6b');
      overlays.push({ input: placed[i]!, left: x + pad, top: y + pad });
    });
  }
  if (spec.footer) svg += textBlock([spec.footer], m, H - m * 0.6, Math.round(subSize * 0.9), c.muted);
  const base = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${svg}</svg>`);
  // The SVG is rasterised first, then the photos go on top of their cards.
  const raster = await sharp(base).png().toBuffer();
  return sharp(raster).composite(overlays).webp({ quality: 78, effort: 0 }).toBuffer();
}

/** The pages as one looping animated WebP, `frameMs` per page (the local "video"). */
export async function slideshow(frames: readonly Buffer[], frameMs: number, width: number): Promise<Buffer> {
  const scaled = await Promise.all(frames.map((f) => sharp(f).resize({ width }).png({ compressionLevel: 0 }).toBuffer()));
  return sharp(scaled, { join: { animated: true } })
    .webp({ quality: 70, effort: 0, loop: 0, delay: scaled.map(() => frameMs) })
    .toBuffer();
}
