/** What every fraud pattern needs: a context, time placement, budgets and resale baskets. */
import { colourFor, makeLine } from '../basket.js';
import type { Catalogue } from '../catalogue.js';
import type { IdentityFactory } from '../identity.js';
import type { IdMinter } from '../ids.js';
import type { Line, OrderDraft, Product, Shopper } from '../model.js';
import { LETTER_SIZES, SHOE_SIZES } from '../reference/fashion.js';
import { MARKET_LIST, type MarketRef } from '../reference/markets.js';
import type { Rng } from '../rng.js';
import type { FraudulentPattern } from '../types.js';

export interface FraudContext {
  readonly catalogue: Catalogue;
  readonly identity: IdentityFactory;
  readonly shoppers: readonly Shopper[];
  /** Simulated time the stream covers, from `startMs`. */
  readonly startMs: number;
  readonly horizonMs: number;
  readonly campaignIds: Readonly<Record<FraudulentPattern, IdMinter>>;
}

/**
 * Where a campaign of `durationMs` starts, and how much to compress it when the whole stream
 * is shorter than the campaign (a fast demo stream): the shape survives, the scale does not.
 */
export function placeCampaign(rng: Rng, ctx: FraudContext, durationMs: number): { readonly start: number; readonly scale: number } {
  const room = ctx.horizonMs * 0.95;
  if (durationMs >= room) return { start: ctx.startMs, scale: durationMs > 0 ? room / durationMs : 1 };
  return { start: ctx.startMs + rng.between(0, ctx.horizonMs - durationMs), scale: 1 };
}

/**
 * Runs `campaign` until exactly `budget` orders exist. The last campaign is cut short,
 * keeping its earliest orders, as if it were caught or the window closed.
 */
export function fillBudget(budget: number, campaign: () => OrderDraft[]): OrderDraft[] {
  const out: OrderDraft[] = [];
  for (let guard = 0; out.length < budget && guard < budget + 100; guard++) {
    const drafts = campaign().sort((a, b) => a.at - b.at);
    out.push(...drafts.slice(0, budget - out.length));
  }
  return out;
}

/** A market fraudsters target: where the shoppers (and the credit lines) are. */
export function targetMarket(rng: Rng, catalogue: Catalogue): MarketRef {
  const served = MARKET_LIST.filter((m) => catalogue.resellable(m.currency).length > 0);
  const pool = served.length > 0 ? served : MARKET_LIST;
  return rng.weighted(pool, pool.map((m) => m.shopperWeight));
}

/** The commonest sizes: resellers buy what sells, not what fits. */
function resaleSize(product: Product, rng: Rng): string {
  const common = product.sizes.filter((s) => s === 'S' || s === 'M' || s === '38' || s === '39' || s === '40' || s === '41');
  if (common.length > 0) return rng.pick(common);
  return rng.pick(product.sizes.length > 0 ? product.sizes : [LETTER_SIZES[3], SHOE_SIZES[4]]);
}

/**
 * One to `maxItems` expensive resellable products from one merchant, the dearest most likely;
 * sometimes two of the same item, which honest shoppers rarely buy.
 */
export function resaleBasket(rng: Rng, catalogue: Catalogue, market: MarketRef, maxItems: number): Line[] {
  const own = catalogue.resellable(market.currency);
  // A market without its own merchants is served cross-border, in a neighbour's currency.
  const pool = own.length > 0 ? own : catalogue.resellable(targetMarket(rng, catalogue).currency);
  const first = rng.weighted(pool, pool.map((p) => p.price));
  const lines: Line[] = [makeLine(first, colourFor(first, undefined, rng), resaleSize(first, rng), rng.chance(0.2) ? 2 : 1)];
  const more = pool.filter((p) => p.merchant === first.merchant && p !== first);
  const extra = Math.min(more.length, rng.int(0, maxItems - 1));
  for (const p of rng.weightedSample(more, more.map((q) => q.price), extra)) {
    lines.push(makeLine(p, colourFor(p, undefined, rng), resaleSize(p, rng), 1));
  }
  return lines;
}
