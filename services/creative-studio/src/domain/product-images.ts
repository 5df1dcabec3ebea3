import type { BlobStore } from '@commerce/blob-store';
import type { ProductUpdatedEvent } from '@commerce/contracts';
import sharp from 'sharp';
import { colourHex, luminance } from './palette.js';

/**
 * Product photos for a synthetic catalogue: a silhouette of the product's kind (a t-shirt, jeans,
 * a coat, sneakers...) in its colour on a studio backdrop with a soft floor shadow, drawn as SVG
 * and rendered by sharp. The demo and the benchmark write them under each product's imageKeys,
 * so lookbooks are made of images that look like the product they stand for.
 */

/** Outline paths on a 400 x 500 canvas, per category, and per subcategory where the shape differs. */
const SHAPES: Readonly<Record<string, string>> = {
  tops: 'M130 90 L170 70 Q200 95 230 70 L270 90 L340 150 L305 195 L275 170 L275 400 L125 400 L125 170 L95 195 L60 150 Z',
  sweatshirts: 'M125 90 L170 72 Q200 100 230 72 L275 90 L335 170 L340 330 L305 335 L290 190 L285 400 L115 400 L110 190 L95 335 L60 330 L65 170 Z',
  bottoms: 'M130 70 L270 70 L285 420 L220 420 L200 170 L180 420 L115 420 Z',
  skirts: 'M140 80 L260 80 L310 380 Q200 405 90 380 Z',
  shorts: 'M130 90 L270 90 L290 290 L215 295 L200 200 L185 295 L110 290 Z',
  dresses: 'M165 60 L185 60 Q200 80 215 60 L235 60 L245 150 L230 190 L320 430 Q200 455 80 430 L170 190 L155 150 Z',
  outerwear: 'M140 70 L175 60 L200 110 L225 60 L260 70 L330 120 L350 360 L305 365 L290 200 L290 440 L110 440 L110 200 L95 365 L50 360 L70 120 Z',
  knitwear: 'M125 85 L170 68 Q200 92 230 68 L275 85 L340 165 L345 340 L305 345 L290 185 L288 405 L112 405 L110 185 L95 345 L55 340 L60 165 Z',
  shoes: 'M70 300 L90 230 Q120 215 150 240 L210 265 Q260 270 300 285 Q335 295 340 325 L340 345 L70 345 Z',
  boots: 'M110 120 L185 120 L190 260 Q250 270 300 290 Q335 300 335 330 L335 350 L100 350 Z',
  accessories: 'M150 80 Q200 60 250 80 L250 330 L280 420 L230 420 L210 330 L190 330 L170 420 L120 420 L150 330 Z',
  caps: 'M110 260 Q120 150 200 140 Q280 150 290 260 L350 275 Q300 290 110 280 Z',
  bags: 'M120 190 L280 190 L300 420 L100 420 Z M160 190 Q160 110 200 110 Q240 110 240 190 L225 190 Q225 125 200 125 Q175 125 175 190 Z',
};

function shapeFor(category: string, subcategory: string | undefined): string {
  const sub = (subcategory ?? '').toLowerCase();
  if (/sweat|hood/.test(sub)) return SHAPES['sweatshirts']!;
  if (/skirt/.test(sub)) return SHAPES['skirts']!;
  if (/short/.test(sub)) return SHAPES['shorts']!;
  if (/boot/.test(sub)) return SHAPES['boots']!;
  if (/cap|beanie/.test(sub)) return SHAPES['caps']!;
  return SHAPES[category] ?? SHAPES['accessories']!;
}

const escape = (s: string): string => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface ProductImageInput {
  readonly category: string;
  readonly subcategory?: string;
  readonly colours: readonly string[];
  readonly brand: string;
  /** front, back, detail or model: a different framing of the same product. */
  readonly view?: string;
}

/** One product photo as an SVG document (400 x 500 canvas, scaled to `width`). */
export function productImageSvg(p: ProductImageInput, width = 800): string {
  const fill = colourHex(p.colours[0]);
  const trim = colourHex(p.colours[1] ?? (luminance(fill) > 0.5 ? 'navy' : 'off-white'));
  const light = luminance(fill) > 0.75;
  const view = p.view ?? 'front';
  // A detail shot is a closer crop; a back view is mirrored.
  const viewBox = view === 'detail' ? '100 100 200 250' : '0 0 400 500';
  const mirror = view === 'back' ? 'transform="translate(400 0) scale(-1 1)"' : '';
  const height = Math.round((width * 5) / 4);
  const path = shapeFor(p.category, p.subcategory);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="${viewBox}">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#f7f6f3"/><stop offset="1" stop-color="#e6e3dd"/></linearGradient>
    <linearGradient id="shade" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#000" stop-opacity="0.12"/><stop offset="0.5" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.16"/></linearGradient>
    <filter id="soft" x="-20%" y="-20%" width="140%" height="140%"><feGaussianBlur stdDeviation="9"/></filter>
  </defs>
  <rect x="0" y="0" width="400" height="500" fill="url(#bg)"/>
  <ellipse cx="200" cy="455" rx="150" ry="16" fill="#000" opacity="0.18" filter="url(#soft)"/>
  <g ${mirror}>
    <path d="${path}" fill="${fill}" stroke="${light ? '#c9c6bf' : 'none'}" stroke-width="2" fill-rule="evenodd"/>
    <path d="${path}" fill="url(#shade)" fill-rule="evenodd"/>
    <path d="M170 300 L230 300" stroke="${trim}" stroke-width="6" opacity="${view === 'back' ? 0 : 0.85}"/>
  </g>
  <text x="200" y="488" text-anchor="middle" font-family="DejaVu Sans, Liberation Sans, sans-serif" font-size="13" letter-spacing="3" fill="#8b867d">${escape(p.brand.toUpperCase())}</text>
</svg>`;
}

/** One product photo as JPEG bytes. */
export async function productImage(p: ProductImageInput, width = 800): Promise<Buffer> {
  return sharp(Buffer.from(productImageSvg(p, width))).flatten({ background: '#ffffff' }).jpeg({ quality: 86, mozjpeg: false }).toBuffer();
}

const VIEW = /\/(front|back|detail|model)\.[a-z]+$/;

/**
 * Writes a photo under every image key of every product that does not have one yet (idempotent:
 * `ifAbsent`), `concurrency` at a time. Returns the keys written.
 */
export async function writeProductImages(store: BlobStore, products: readonly ProductUpdatedEvent[], opts: { width?: number; concurrency?: number } = {}): Promise<string[]> {
  const jobs = products.flatMap((p) => p.imageKeys.map((key) => ({ p, key })));
  const written: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: opts.concurrency ?? 4 }, async () => {
      while (next < jobs.length) {
        const { p, key } = jobs[next++]!;
        if (await store.head(key)) continue;
        const view = VIEW.exec(key)?.[1] ?? 'front';
        const data = await productImage({ category: p.category, subcategory: p.subcategory, colours: p.colours, brand: p.brand, view }, opts.width ?? 800);
        const r = await store.put(key, data, { contentType: 'image/jpeg', ifAbsent: true, metadata: { productId: p.productId, merchantId: p.merchantId } });
        if (r.created) written.push(key);
      }
    }),
  );
  return written;
}
