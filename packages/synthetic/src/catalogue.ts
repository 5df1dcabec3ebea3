import type { ProductUpdatedEvent } from '@commerce/contracts';
import { MS, iso } from './clock.js';
import { UniqueKeys } from './ids.js';
import type { Merchant, Product } from './model.js';
import {
  BRANDS, CATEGORIES, COLOURS, Categories, LETTER_SIZES, MERCHANT_NAME_PARTS, MerchantKinds, ONE_SIZE, QUALITY_TAGS,
  SHOE_SIZES, TIER_PRICE, type BrandRef, type Category, type ColourRef, type MerchantKind,
} from './reference/fashion.js';
import { MARKET_LIST, PER_EURO, type Currency, type MarketRef } from './reference/markets.js';
import type { Rng } from './rng.js';
import type { CatalogueEntry, MerchantProfile } from './types.js';

export interface Catalogue {
  readonly merchants: readonly Merchant[];
  readonly products: readonly Product[];
  /** Merchants with orderable products in a category, per currency. */
  merchantsFor(currency: Currency, category: Category): readonly Merchant[];
  /** Merchants with orderable products in a category, any currency. */
  merchantsAnywhere(category: Category): readonly Merchant[];
  /** Expensive, easily resold products (outerwear, shoes, bags from good brands), per currency. */
  resellable(currency: Currency): readonly Product[];
  /** The cheapest orderable products, per currency: what card testers buy. */
  cheap(currency: Currency): readonly Product[];
}

const KIND_WEIGHTS: Readonly<Record<MerchantKind, number>> = { department: 0.3, boutique: 0.25, basics: 0.2, footwear: 0.15, bags: 0.1 };
/** Department stores carry more and sell more. */
const KIND_SIZE: Readonly<Record<MerchantKind, number>> = { department: 2.2, boutique: 0.8, basics: 1.2, footwear: 0.9, bags: 0.7 };

/** Splits `total` into integer parts proportional to `weights` (largest remainder), at least `min` each when possible. */
export function apportion(total: number, weights: readonly number[], min = 0): number[] {
  const n = weights.length;
  if (n === 0) return [];
  const floor = total >= min * n ? min : 0;
  const rest = total - floor * n;
  const sum = weights.reduce((s, w) => s + w, 0);
  const exact = weights.map((w) => (sum > 0 ? (w / sum) * rest : rest / n));
  const parts = exact.map((x) => Math.floor(x));
  let left = rest - parts.reduce((s, x) => s + x, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % n, left--) parts[order[k]!.i]! += 1;
  return parts.map((p) => p + floor);
}

function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function brandsFor(kind: MerchantKind, rng: Rng): BrandRef[] {
  const has = (b: BrandRef, c: Category): boolean => b.categories.includes(c);
  switch (kind) {
    case 'department': {
      const apparel = rng.sample(BRANDS.filter((b) => b.tier !== 'luxury' && b.categories.length > 2), rng.int(5, 9));
      // Department stores always sell shoes, even when none of their apparel brands make them.
      if (!apparel.some((b) => has(b, 'shoes'))) apparel.push(rng.pick(BRANDS.filter((b) => has(b, 'shoes') && b.tier !== 'luxury')));
      return apparel;
    }
    case 'boutique':
      return rng.sample(BRANDS.filter((b) => b.tier === 'premium' || b.tier === 'luxury'), rng.int(3, 5));
    case 'basics':
      return rng.sample(BRANDS.filter((b) => b.tier === 'budget' || (b.tier === 'mid' && b.categories.length > 3)), rng.int(2, 4));
    case 'footwear':
      return rng.sample(BRANDS.filter((b) => has(b, 'shoes')), rng.int(3, 5));
    case 'bags':
      return rng.sample(BRANDS.filter((b) => has(b, 'bags')), rng.int(3, 5));
  }
}

/** Which of a brand's categories a merchant of this kind actually stocks. */
function stocks(kind: MerchantKind, category: Category): boolean {
  if (kind === 'footwear') return category === 'shoes' || category === 'bags' || category === 'accessories';
  if (kind === 'bags') return category === 'bags' || category === 'accessories';
  return true;
}

/** A shelf price in minor units with the charm endings shops use (299 kr, 49,95 €, £24.99). */
export function shelfPrice(euros: number, currency: Currency): number {
  const amount = euros * PER_EURO[currency];
  if (currency === 'EUR' || currency === 'GBP') {
    const cents = currency === 'EUR' ? 95 : 99;
    if (amount < 10) return Math.max(1, Math.round(amount)) * 100 - 1;
    const step = amount < 100 ? 5 : 10;
    return Math.max(step, Math.round(amount / step) * step) * 100 - (100 - cents);
  }
  const step = amount < 100 ? 10 : amount < 1000 ? 50 : 100;
  return (Math.max(step * 2, Math.round(amount / step) * step) - 1) * 100;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function pickColours(rng: Rng, count: number): ColourRef[] {
  return rng.weightedSample(COLOURS, COLOURS.map((c) => c.weight), count);
}

function sizesFor(category: Category, rng: Rng): string[] {
  const system = CATEGORIES[category].sizes;
  if (system === 'one') return [ONE_SIZE];
  if (system === 'shoe') {
    const from = rng.int(0, 2);
    const to = rng.int(7, SHOE_SIZES.length - 1);
    return SHOE_SIZES.slice(from, to + 1);
  }
  const from = rng.int(0, 1);
  const to = rng.int(4, LETTER_SIZES.length - 1);
  return LETTER_SIZES.slice(from, to + 1);
}

function tagsFor(category: Category, rng: Rng): string[] {
  const tags: string[] = [];
  if (category === 'outerwear' || category === 'knitwear') tags.push(rng.pick(['winter', 'autumn']));
  else if (category === 'dresses') tags.push(rng.pick(['party', 'holiday', 'all-season']));
  else if (rng.chance(0.5)) tags.push(rng.pick(['all-season', 'workwear', 'autumn']));
  for (const t of rng.sample(QUALITY_TAGS, rng.weightedIndex([0.4, 0.45, 0.15]))) tags.push(t);
  return tags;
}

export function createCatalogue(rng: Rng, merchantCount: number, productCount: number, startMs: number): Catalogue {
  const merchantRng = rng.fork('merchants');
  const perMarket = apportion(merchantCount, MARKET_LIST.map((m) => m.merchantWeight), merchantCount >= MARKET_LIST.length ? 1 : 0);
  const homes: MarketRef[] = merchantRng.shuffled(MARKET_LIST.flatMap((m, i) => Array.from({ length: perMarket[i]! }, () => m)));
  const names = new UniqueKeys();
  const merchants: Merchant[] = homes.map((market, index) => {
    const kind = merchantRng.weighted(MerchantKinds, MerchantKinds.map((k) => KIND_WEIGHTS[k]));
    const name = names.claim(
      (attempt) => {
        const base = `${merchantRng.pick(MERCHANT_NAME_PARTS.first)} ${merchantRng.pick(MERCHANT_NAME_PARTS.second)}`;
        return attempt < 20 ? base : `${base} ${attempt}`;
      },
      (n) => n,
    );
    return {
      index,
      id: `m-${slug(name)}-${market.code.toLowerCase()}`,
      name,
      market,
      kind,
      brands: brandsFor(kind, merchantRng),
      size: merchantRng.lognormal(1, 0.6) * KIND_SIZE[kind],
      orderable: new Map(),
      sells: [],
      products: [],
    };
  });

  const productRng = rng.fork('products');
  const perMerchant = apportion(productCount, merchants.map((m) => m.size), 1);
  const products: Product[] = [];
  merchants.forEach((merchant, mi) => {
    const stocked = Categories.filter((c) => stocks(merchant.kind, c) && merchant.brands.some((b) => b.categories.includes(c)));
    for (let k = 0; k < perMerchant[mi]!; k++) {
      const index = products.length;
      const category = productRng.weighted(stocked, stocked.map((c) => CATEGORIES[c].weight));
      const ref = CATEGORIES[category];
      const brand = productRng.pick(merchant.brands.filter((b) => b.categories.includes(category)));
      const sub = productRng.weighted(ref.subcategories, ref.subcategories.map((s) => s.weight));
      const adjective = productRng.pick(ref.adjectives);
      const material = productRng.pick(ref.materials);
      const id = `p-${String(index + 1).padStart(5, '0')}`;
      const currency = merchant.market.currency;
      const euros = sub.euros * TIER_PRICE[brand.tier] * productRng.lognormal(1, 0.22);
      // The first product of every merchant is always on sale, so no merchant is empty.
      const active = k === 0 || productRng.chance(0.94);
      const stock = k === 0 ? productRng.int(5, 80) : productRng.chance(0.1) ? 0 : Math.round(productRng.lognormal(35, 0.9));
      const imageKeys = [`catalogue/${merchant.id}/${id}/front.jpg`];
      for (const view of ['back', 'detail', 'model'] as const) {
        if (productRng.chance(view === 'back' ? 0.7 : view === 'detail' ? 0.4 : 0.5)) imageKeys.push(`catalogue/${merchant.id}/${id}/${view}.jpg`);
      }
      const product: Product = {
        index,
        id,
        merchant,
        brand,
        category,
        subcategory: sub,
        title: capitalise(`${adjective} ${material} ${sub.noun}`),
        description: `${capitalise(adjective)} ${sub.noun} in ${material} from ${brand.name}.`,
        price: shelfPrice(euros, currency),
        currency,
        colours: pickColours(productRng, productRng.weighted([1, 2, 3, 4], [0.35, 0.3, 0.2, 0.15])),
        sizes: sizesFor(category, productRng),
        stock,
        active,
        popularity: productRng.lognormal(1, 0.9),
        tags: tagsFor(category, productRng),
        imageKeys,
        updatedAt: startMs - Math.floor(productRng.between(0, 45)) * MS.day - productRng.int(0, 1439) * MS.minute,
        pairs: [],
      };
      products.push(product);
      merchant.products.push(product);
      if (active && stock > 0) {
        const list = merchant.orderable.get(category);
        if (list) list.push(product);
        else merchant.orderable.set(category, [product]);
      }
    }
  });

  for (const m of merchants) m.sells.push(...Categories.filter((c) => m.orderable.has(c)));
  linkPairs(merchants, rng.fork('pairs'));
  return indexCatalogue(merchants, products);
}

/**
 * Gives every product two or three partners from the same merchant in complementary
 * categories, preferring a shared colour and the same brand tier. Baskets draw on these, so
 * co-purchase structure is learnable at the product level, not only by category.
 */
function linkPairs(merchants: readonly Merchant[], rng: Rng): void {
  for (const merchant of merchants) {
    for (const product of merchant.products) {
      const complements = CATEGORIES[product.category].complements;
      const candidates = complements.flatMap((c) => merchant.orderable.get(c) ?? []);
      if (candidates.length === 0) continue;
      const colourNames = new Set(product.colours.map((c) => c.name));
      const weights = candidates.map(
        (c) =>
          c.popularity *
          (c.colours.some((col) => colourNames.has(col.name)) ? 3 : 1) *
          (c.brand.tier === product.brand.tier ? 2 : 1) *
          // Stronger complements first: "tops go with bottoms" more than with accessories.
          (4 - Math.min(3, complements.indexOf(c.category))),
      );
      product.pairs.push(...rng.weightedSample(candidates.filter((c) => c !== product), weights.filter((_, i) => candidates[i] !== product), rng.int(2, 3)));
    }
  }
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function indexCatalogue(merchants: readonly Merchant[], products: readonly Product[]): Catalogue {
  const byCurrency = new Map<string, Merchant[]>();
  const anywhere = new Map<Category, Merchant[]>();
  for (const m of merchants) {
    for (const c of m.orderable.keys()) {
      const key = `${m.market.currency}/${c}`;
      (byCurrency.get(key) ?? byCurrency.set(key, []).get(key)!).push(m);
      (anywhere.get(c) ?? anywhere.set(c, []).get(c)!).push(m);
    }
  }
  const resellable = new Map<Currency, Product[]>();
  const cheap = new Map<Currency, Product[]>();
  const orderable = products.filter((p) => p.active && p.stock > 0);
  for (const currency of new Set(orderable.map((p) => p.currency))) {
    const own = orderable.filter((p) => p.currency === currency);
    const prices = own.map((p) => p.price).sort((a, b) => a - b);
    const high = percentile(prices, 0.7);
    const low = percentile(prices, 0.2);
    const resale = own.filter((p) => CATEGORIES[p.category].resellable && (p.brand.tier === 'premium' || p.brand.tier === 'luxury' || p.price >= high));
    // A small catalogue may have no resellable item in a currency; fall back to its dearest items.
    resellable.set(currency, resale.length > 0 ? resale : own.filter((p) => p.price >= high));
    cheap.set(currency, own.filter((p) => p.price <= low));
  }
  const none: readonly never[] = [];
  return {
    merchants,
    products,
    merchantsFor: (currency, category) => byCurrency.get(`${currency}/${category}`) ?? none,
    merchantsAnywhere: (category) => anywhere.get(category) ?? none,
    resellable: (currency) => resellable.get(currency) ?? none,
    cheap: (currency) => cheap.get(currency) ?? none,
  };
}

export function productEvent(p: Product): ProductUpdatedEvent {
  return {
    productId: p.id,
    merchantId: p.merchant.id,
    title: p.title,
    description: p.description,
    brand: p.brand.name,
    category: p.category,
    subcategory: p.subcategory.name,
    price: { value: p.price, currency: p.currency },
    colours: p.colours.map((c) => c.name),
    sizes: p.sizes.slice(),
    stock: p.stock,
    imageKeys: p.imageKeys.slice(),
    tags: p.tags.slice(),
    active: p.active,
    updatedAt: iso(p.updatedAt),
  };
}

export function catalogueEntry(p: Product): CatalogueEntry {
  return { event: productEvent(p), tier: p.brand.tier, popularity: p.popularity, pairsWith: p.pairs.map((q) => q.id) };
}

export function merchantProfile(m: Merchant): MerchantProfile {
  return {
    merchantId: m.id,
    name: m.name,
    country: m.market.code,
    currency: m.market.currency,
    kind: m.kind,
    brands: m.brands.map((b) => b.name),
    categories: Categories.filter((c) => m.products.some((p) => p.category === c)),
  };
}
