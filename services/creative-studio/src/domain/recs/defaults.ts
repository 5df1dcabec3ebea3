/** Every tunable of the recommender, in one place, each with the reason for its value. */

const DAY_MS = 86_400_000;

export const RecsDefaults = {
  /**
   * Half-life of a shopper's affinities. Fashion taste drifts with the seasons: an order from
   * three months ago counts half as much as today's, one from a year ago about a sixteenth.
   */
  profileHalfLifeMs: 90 * DAY_MS,
  /** Half-life of product popularity: "popular right now" means this week, not last season. */
  popularityHalfLifeMs: 7 * DAY_MS,
  /** Products kept in `ShopperProfile.bought` (most recent last); older ones may be recommended again. */
  maxBought: 200,
  /** Order ids kept for idempotent folding; a redelivery older than this many orders would count twice. */
  maxOrderIds: 64,
  /** Neighbours kept per product in the co-purchase index (the rest are the weakest and pruned). */
  coPurchaseNeighbours: 60,
  /** Items of one basket paired with each other at most; bigger baskets are bulk buys, not outfits. */
  maxBasketForPairs: 24,
  /** Recent purchases whose co-purchase neighbours feed a shopper's candidates. */
  historyForCoPurchase: 24,
  /** Neighbours read per recent purchase. */
  neighboursPerItem: 40,
  /** Each older purchase in the history counts this much less than the next more recent one. */
  historyRecencyFactor: 0.9,
  /** Recommendations per shopper (the lookbook's shelf; the H&M evaluation uses 12 as well). */
  k: 12,
  /**
   * Weights of the hybrid score; each part is scaled to [0, 1] first. Affinity leads because a
   * lookbook must feel personal; co-purchase brings what completes a look; popularity breaks
   * ties among equally fitting products and carries shoppers with little history.
   */
  weights: { affinity: 0.5, coPurchase: 0.35, popularity: 0.15 },
  /** Inside affinity: category matters most, then brand, colour and price band. */
  affinityWeights: { category: 0.45, brand: 0.25, colour: 0.15, priceBand: 0.15 },
  /** A product in another currency than the shopper pays in (cross-border) keeps this share of its score. */
  otherCurrencyFactor: 0.3,
  /** Added to the score per theme keyword a product matches, at most two keywords. */
  themeBoost: 0.15,
  /**
   * Diversity: at most this many of one brand, and of one subcategory (category when none), in a
   * lookbook of 12; scaled with k. Relaxed only when the eligible products cannot fill k otherwise.
   */
  maxPerBrand: 3,
  maxPerSubcategory: 3,
  /** At most this share of the lookbook from one category, so complementary pieces make looks. */
  maxCategoryShare: 0.5,
  /** Looks per lookbook and items per look. */
  looks: 3,
  itemsPerLook: 4,
} as const;

/**
 * Price bands in euros per item, converted from other currencies at rounded reference rates.
 * Absolute bands (not relative to the catalogue) keep `foldOrder` pure: a band never changes
 * after it was counted.
 */
export const PRICE_BANDS = [
  { name: 'budget', belowEuros: 35 },
  { name: 'mid', belowEuros: 90 },
  { name: 'premium', belowEuros: 220 },
  { name: 'luxury', belowEuros: Number.POSITIVE_INFINITY },
] as const;
export type PriceBand = (typeof PRICE_BANDS)[number]['name'] | 'unknown';

/** Units of a currency per euro (rounded; only used to place a price in a band). */
export const PER_EURO: Readonly<Record<string, number>> = { EUR: 1, SEK: 11.5, NOK: 11.7, DKK: 7.46, GBP: 0.85, USD: 1.08, CHF: 0.95, PLN: 4.3 };

export const DAY = DAY_MS;
