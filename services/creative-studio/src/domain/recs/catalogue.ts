/** The service's own product catalogue, projected from `product-updated`, and an index over it for fast ranking. */
import type { ProductUpdatedEvent } from '@commerce/contracts';
import { PER_EURO, PRICE_BANDS, type PriceBand } from './defaults.js';

export interface CatalogueProduct {
  productId: string;
  merchantId: string;
  title: string;
  brand: string;
  category: string;
  subcategory?: string;
  /** Minor units. */
  price: { value: number; currency: string };
  colours: string[];
  sizes: string[];
  stock: number;
  imageKeys: string[];
  tags: string[];
  active: boolean;
  updatedAt: string;
}

export function productFromEvent(e: ProductUpdatedEvent): CatalogueProduct {
  const p: CatalogueProduct = {
    productId: e.productId,
    merchantId: e.merchantId,
    title: e.title,
    brand: e.brand,
    category: e.category,
    price: { value: e.price.value, currency: e.price.currency },
    colours: e.colours.slice(),
    sizes: e.sizes.slice(),
    stock: e.stock,
    imageKeys: e.imageKeys.slice(),
    tags: e.tags?.slice() ?? [],
    active: e.active,
    updatedAt: e.updatedAt,
  };
  if (e.subcategory !== undefined) p.subcategory = e.subcategory;
  return p;
}

/**
 * Whether an update should replace the product held: the latest `updatedAt` wins, so a
 * redelivered or reordered older state never overwrites a newer one.
 */
export function isNewer(update: CatalogueProduct, held: CatalogueProduct | undefined): boolean {
  return held === undefined || Date.parse(update.updatedAt) >= Date.parse(held.updatedAt);
}

/** The band of a unit price in minor units; `unknown` for a currency without a reference rate. */
export function priceBandOf(minorUnits: number, currency: string): PriceBand {
  const rate = PER_EURO[currency];
  if (rate === undefined) return 'unknown';
  const euros = minorUnits / 100 / rate;
  for (const b of PRICE_BANDS) if (euros < b.belowEuros) return b.name;
  return 'luxury';
}

/** Can be put in front of a shopper: on sale and in stock. */
export function isAvailable(p: CatalogueProduct): boolean {
  return p.active && p.stock > 0;
}

/** A product with what ranking needs precomputed once, not per shopper. */
export interface IndexedProduct {
  readonly product: CatalogueProduct;
  readonly band: PriceBand;
  /** Lower-case words of title, category, subcategory and tags, for theme matching. */
  readonly words: ReadonlySet<string>;
  /** Subcategory, or category when the product has none: the unit of the diversity cap. */
  readonly kind: string;
}

/**
 * The catalogue prepared for ranking: only available products, their bands and words. Build it
 * once per campaign (or whenever the catalogue changed) and pass it to `recommend` for every shopper.
 */
export interface RecsIndex {
  readonly kind: 'recs-index';
  readonly available: readonly IndexedProduct[];
  readonly byId: ReadonlyMap<string, IndexedProduct>;
  /** Every product, available or not, for explanations ("goes with the X you bought"). */
  readonly catalogue: ReadonlyMap<string, CatalogueProduct>;
}

export function wordsOf(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9\u00c0-\u024f]+/).filter((w) => w.length >= 3);
}

export function prepareCatalogue(catalogue: ReadonlyMap<string, CatalogueProduct>): RecsIndex {
  const available: IndexedProduct[] = [];
  const byId = new Map<string, IndexedProduct>();
  // Sorted by id so every later tie-break and iteration order is deterministic whatever order updates arrived in.
  const ids = [...catalogue.keys()].sort();
  for (const id of ids) {
    const product = catalogue.get(id) as CatalogueProduct;
    if (!isAvailable(product)) continue;
    const words = new Set<string>([
      ...wordsOf(product.title),
      ...wordsOf(product.category),
      ...wordsOf(product.subcategory ?? ''),
      ...product.tags.flatMap((t) => [t.toLowerCase(), ...wordsOf(t)]),
    ]);
    const ip: IndexedProduct = { product, band: priceBandOf(product.price.value, product.price.currency), words, kind: product.subcategory ?? product.category };
    available.push(ip);
    byId.set(id, ip);
  }
  return { kind: 'recs-index', available, byId, catalogue };
}

export function isRecsIndex(x: ReadonlyMap<string, CatalogueProduct> | RecsIndex): x is RecsIndex {
  return (x as RecsIndex).kind === 'recs-index';
}
