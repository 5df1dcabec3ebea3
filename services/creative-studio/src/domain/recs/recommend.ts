/**
 * The hybrid recommender: profile affinity + co-purchase + popularity, then a diversity pass.
 * Every part of the score is scaled to [0, 1] before weighting (see `RecsDefaults.weights`).
 */
import { isRecsIndex, prepareCatalogue, wordsOf, type CatalogueProduct, type IndexedProduct, type RecsIndex } from './catalogue.js';
import { RecsDefaults } from './defaults.js';
import { shares, type ShopperProfile } from './profile.js';
import { byScore, type CoPurchaseIndex, type Popularity, type Scored } from './signals.js';

export interface Recommendation {
  product: CatalogueProduct;
  score: number;
  /** Human-readable reasons, strongest first, e.g. "you often buy shoes", "often bought with the Slim denim jeans you bought". */
  why: string[];
}

export interface RecsSignals {
  coPurchase: CoPurchaseIndex;
  popularity: Popularity;
}

export interface RecommendOptions {
  /** How many; default 12. */
  k?: number;
  /** Highest price in minor units of the product's own currency. */
  maxPrice?: number;
  /** Campaign theme ("winter layers"): products whose tags, title or category match its words rank higher. */
  theme?: string;
  /** Product ids never to recommend, besides what the shopper bought. */
  exclude?: Iterable<string>;
}

/** Words too common to say anything about a product. */
const STOP_WORDS = new Set(['the', 'and', 'for', 'with', 'your', 'our', 'new', 'look', 'looks', 'style', 'edit', 'collection', 'campaign']);

export function themeWords(theme: string | undefined): string[] {
  if (!theme) return [];
  const words = wordsOf(theme).filter((w) => !STOP_WORDS.has(w));
  // "layers" should match "layer" and vice versa: compare singular stems of plain plurals.
  return [...new Set(words.flatMap((w) => (w.endsWith('s') && w.length > 4 ? [w, w.slice(0, -1)] : [w, `${w}s`])))];
}

export interface CoPurchaseScore {
  score: number;
  /** The purchase that contributed most, for "often bought with ...". */
  via: string;
}

/**
 * Candidates from what the shopper bought: each recent purchase's neighbours, weighted by how
 * recent the purchase is (`historyRecencyFactor` per step back), summed and scaled to [0, 1].
 */
export function coPurchaseScores(history: readonly string[], coPurchase: CoPurchaseIndex): Map<string, CoPurchaseScore> {
  const out = new Map<string, CoPurchaseScore & { best: number }>();
  const from = Math.max(0, history.length - RecsDefaults.historyForCoPurchase);
  let w = 1;
  for (let i = history.length - 1; i >= from; i--, w *= RecsDefaults.historyRecencyFactor) {
    const bought = history[i] as string;
    for (const n of coPurchase.neighbours(bought, RecsDefaults.neighboursPerItem)) {
      const add = w * n.score;
      const cur = out.get(n.productId);
      if (!cur) out.set(n.productId, { score: add, via: bought, best: add });
      else {
        cur.score += add;
        if (add > cur.best) {
          cur.best = add;
          cur.via = bought;
        }
      }
    }
  }
  let max = 0;
  for (const v of out.values()) max = Math.max(max, v.score);
  const scaled = new Map<string, CoPurchaseScore>();
  for (const [id, v] of out) scaled.set(id, { score: max > 0 ? v.score / max : 0, via: v.via });
  return scaled;
}

/** Popularity scaled to [0, 1]; the square root keeps a few best-sellers from drowning everything else. */
function popularityScaler(popularity: Popularity): (id: string) => number {
  const scores = popularity.snapshot();
  const max = popularity.max();
  return max > 0 ? (id) => Math.sqrt((scores.get(id) ?? 0) / max) : () => 0;
}

interface Candidate extends Scored {
  ip: IndexedProduct;
  catShare: number;
  brandShare: number;
  colour?: { name: string; share: number };
  bandShare: number;
  cp?: CoPurchaseScore;
  pop: number;
  themeHits: number;
}

/** Caps of the diversity pass for a lookbook of k. */
export function diversityCaps(k: number): { brand: number; kind: number; category: number } {
  const scale = Math.max(1, k / RecsDefaults.k);
  return {
    brand: Math.ceil(RecsDefaults.maxPerBrand * scale),
    kind: Math.ceil(RecsDefaults.maxPerSubcategory * scale),
    category: Math.max(1, Math.ceil(RecsDefaults.maxCategoryShare * k)),
  };
}

/**
 * Greedy diversification over a ranked list: take the best remaining candidate unless it breaks
 * a cap (per brand, per subcategory, per category) or repeats a brand + subcategory already
 * taken (two near-identical pairs of jeans). When the caps leave the list short of k, the
 * remaining places go to the best candidates skipped, in rank order: a short lookbook is worse
 * than a less varied one.
 */
export function diversify<T extends { ip: IndexedProduct }>(ranked: readonly T[], k: number): T[] {
  const caps = diversityCaps(k);
  const brand = new Map<string, number>();
  const kind = new Map<string, number>();
  const category = new Map<string, number>();
  const pairs = new Set<string>();
  const chosen: T[] = [];
  const skipped: T[] = [];
  for (const c of ranked) {
    if (chosen.length >= k) break;
    const p = c.ip.product;
    const pair = `${p.brand}\u0000${c.ip.kind}`;
    if ((brand.get(p.brand) ?? 0) >= caps.brand || (kind.get(c.ip.kind) ?? 0) >= caps.kind || (category.get(p.category) ?? 0) >= caps.category || pairs.has(pair)) {
      skipped.push(c);
      continue;
    }
    chosen.push(c);
    brand.set(p.brand, (brand.get(p.brand) ?? 0) + 1);
    kind.set(c.ip.kind, (kind.get(c.ip.kind) ?? 0) + 1);
    category.set(p.category, (category.get(p.category) ?? 0) + 1);
    pairs.add(pair);
  }
  for (const c of skipped) {
    if (chosen.length >= k) break;
    chosen.push(c);
  }
  // The relaxed fill may have appended lower-ranked items after higher ones: keep the list in score order.
  const rank = new Map(ranked.map((c, i) => [c, i]));
  return chosen.sort((a, b) => (rank.get(a) as number) - (rank.get(b) as number));
}

function reasons(c: Candidate, index: RecsIndex, theme: string | undefined): string[] {
  const why: Array<{ s: number; text: string }> = [];
  const p = c.ip.product;
  if (c.catShare >= 0.2) why.push({ s: c.catShare, text: `you often buy ${p.category}` });
  if (c.brandShare >= 0.15) why.push({ s: c.brandShare, text: `you like ${p.brand}` });
  if (c.colour && c.colour.share >= 0.15) why.push({ s: c.colour.share * 0.8, text: `in ${c.colour.name}, a colour you often choose` });
  if (c.cp && c.cp.score >= 0.15) {
    const title = index.catalogue.get(c.cp.via)?.title;
    why.push({ s: c.cp.score, text: title ? `often bought with the ${title.toLowerCase()} you bought` : `often bought with something you bought` });
  }
  if (c.bandShare >= 0.5) why.push({ s: c.bandShare * 0.5, text: 'in your usual price range' });
  if (c.themeHits > 0 && theme) why.push({ s: 0.9, text: `fits the "${theme}" theme` });
  if (c.pop >= 0.5) why.push({ s: c.pop * 0.6, text: 'popular right now' });
  why.sort((a, b) => b.s - a.s || (a.text < b.text ? -1 : 1));
  return why.length > 0 ? why.map((w) => w.text) : ['a match for what you buy'];
}

/**
 * Ranks the catalogue for one shopper. Only available products (active, in stock), never one
 * they bought, never above `maxPrice`; then diversified. Pass a `RecsIndex` from
 * `prepareCatalogue` when recommending for many shoppers: with a raw map the catalogue is
 * indexed on every call.
 */
export function recommend(
  profile: ShopperProfile,
  catalogue: ReadonlyMap<string, CatalogueProduct> | RecsIndex,
  signals: RecsSignals,
  opts: RecommendOptions = {},
): Recommendation[] {
  const index = isRecsIndex(catalogue) ? catalogue : prepareCatalogue(catalogue);
  const k = opts.k ?? RecsDefaults.k;
  if (!(Number.isInteger(k) && k >= 0)) throw new RangeError(`k must be a non-negative integer, got ${k}`);
  if (k === 0) return [];
  const excluded = new Set(profile.bought);
  if (opts.exclude) for (const id of opts.exclude) excluded.add(id);
  const categories = shares(profile.categories);
  const brands = shares(profile.brands);
  const colours = shares(profile.colours);
  const bands = shares(profile.priceBands);
  const cps = coPurchaseScores(profile.bought, signals.coPurchase);
  const pop = popularityScaler(signals.popularity);
  const theme = themeWords(opts.theme);
  const W = RecsDefaults.weights;
  const A = RecsDefaults.affinityWeights;

  // Pass 1 scores every available product into a typed array (no allocation per product);
  // pass 2 builds candidates only for the best few, which is all diversification looks at.
  const available = index.available;
  const scores = new Float64Array(available.length);
  const affinityOf = (ip: IndexedProduct): number => {
    const p = ip.product;
    let colour = 0;
    for (const name of p.colours) colour = Math.max(colour, colours.get(name) ?? 0);
    return A.category * (categories.get(p.category) ?? 0) + A.brand * (brands.get(p.brand) ?? 0) + A.colour * colour + A.priceBand * (bands.get(ip.band) ?? 0);
  };
  const themeHitsOf = (ip: IndexedProduct): number => {
    let hits = 0;
    for (const w of theme) if (ip.words.has(w)) hits++;
    return hits;
  };
  let eligible = 0;
  for (let i = 0; i < available.length; i++) {
    const ip = available[i] as IndexedProduct;
    const p = ip.product;
    if (excluded.has(p.productId) || (opts.maxPrice !== undefined && p.price.value > opts.maxPrice)) {
      scores[i] = Number.NEGATIVE_INFINITY;
      continue;
    }
    eligible++;
    let score = W.affinity * affinityOf(ip) + W.coPurchase * (cps.get(p.productId)?.score ?? 0) + W.popularity * pop(p.productId);
    if (theme.length > 0) score += RecsDefaults.themeBoost * Math.min(2, themeHitsOf(ip));
    if (profile.currency !== undefined && p.price.currency !== profile.currency) score *= RecsDefaults.otherCurrencyFactor;
    scores[i] = score;
  }
  const pool = Math.min(eligible, Math.max(100, k * 10));
  if (pool === 0) return [];
  const sorted = Float64Array.from(scores).sort();
  const threshold = sorted[sorted.length - pool] as number;
  const candidates: Candidate[] = [];
  for (let i = 0; i < available.length; i++) {
    const score = scores[i] as number;
    if (score < threshold || score === Number.NEGATIVE_INFINITY) continue;
    const ip = available[i] as IndexedProduct;
    const p = ip.product;
    let colour: Candidate['colour'];
    for (const name of p.colours) {
      const s = colours.get(name) ?? 0;
      if (s > 0 && (!colour || s > colour.share)) colour = { name, share: s };
    }
    const c: Candidate = {
      productId: p.productId, score, ip, catShare: categories.get(p.category) ?? 0, brandShare: brands.get(p.brand) ?? 0,
      bandShare: bands.get(ip.band) ?? 0, pop: pop(p.productId), themeHits: themeHitsOf(ip),
    };
    if (colour) c.colour = colour;
    const cp = cps.get(p.productId);
    if (cp) c.cp = cp;
    candidates.push(c);
  }
  candidates.sort(byScore);
  return diversify(candidates, k).map((c) => ({ product: c.ip.product, score: round(c.score), why: reasons(c, index, opts.theme) }));
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * For a shopper with no orders: what sells now, matched to the theme, diversified. `country`
 * only matters through currency: give `currency` to prefer products priced in it.
 */
export function recommendForNewShopper(
  catalogue: ReadonlyMap<string, CatalogueProduct> | RecsIndex,
  signals: RecsSignals,
  opts: RecommendOptions & { currency?: string } = {},
): Recommendation[] {
  const empty: ShopperProfile = {
    shopperId: '', country: '', orders: 0, firstOrderAt: new Date(0).toISOString(), lastOrderAt: new Date(0).toISOString(),
    categories: {}, brands: {}, colours: {}, priceBands: {}, bought: [], lastOrderIds: [],
  };
  if (opts.currency !== undefined) empty.currency = opts.currency;
  return recommend(empty, catalogue, signals, opts);
}

/**
 * The same hybrid without product facts, for purchase logs that have only user, item and
 * time (the offline evaluation of any log): co-purchase from the shopper's history plus
 * popularity, with the production weights of those two parts, bought items excluded.
 */
export function recommendItems(history: readonly string[], signals: RecsSignals, opts: { k?: number; exclude?: ReadonlySet<string>; popularCandidates?: readonly string[] } = {}): Scored[] {
  const k = opts.k ?? RecsDefaults.k;
  const excluded = opts.exclude ?? new Set(history);
  const cps = coPurchaseScores(history, signals.coPurchase);
  const pop = popularityScaler(signals.popularity);
  const W = RecsDefaults.weights;
  const total = W.coPurchase + W.popularity;
  const out: Scored[] = [];
  const seen = new Set<string>();
  const consider = (id: string): void => {
    if (seen.has(id) || excluded.has(id)) return;
    seen.add(id);
    out.push({ productId: id, score: (W.coPurchase * (cps.get(id)?.score ?? 0) + W.popularity * pop(id)) / total });
  };
  for (const id of cps.keys()) consider(id);
  for (const id of opts.popularCandidates ?? signals.popularity.top(k * 8)) consider(id);
  out.sort(byScore);
  return out.slice(0, k);
}
