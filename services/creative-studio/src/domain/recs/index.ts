/**
 * The recommendation domain of the creative studio: projections (catalogue, shopper
 * profiles), signals (co-purchase, popularity), the hybrid recommender, looks, campaign
 * segments, and the offline evaluation on purchase logs.
 */
export { RecsDefaults, PRICE_BANDS, PER_EURO } from './defaults.js';
export type { PriceBand } from './defaults.js';
export { productFromEvent, isNewer, isAvailable, priceBandOf, prepareCatalogue, isRecsIndex } from './catalogue.js';
export type { CatalogueProduct, IndexedProduct, RecsIndex } from './catalogue.js';
export { foldOrder, topCategory, topOf, shares, firstNameFromEmail } from './profile.js';
export type { ShopperProfile } from './profile.js';
export { matchesSegment, validateSegment, ordersLast90d, SEGMENT_FIELDS, SegmentRuleError } from './segment.js';
export type { SegmentRule, SegmentOp } from './segment.js';
export { CoPurchaseIndex, Popularity, byScore } from './signals.js';
export type { Scored } from './signals.js';
export { recommend, recommendForNewShopper, recommendItems, coPurchaseScores, diversify, diversityCaps, themeWords } from './recommend.js';
export type { Recommendation, RecommendOptions, RecsSignals } from './recommend.js';
export { composeLooks, COMPLEMENTS } from './looks.js';
export type { Look } from './looks.js';
export { readInteractions, parseTimestamp, splitCsvLine, formatInteraction, InteractionFileError, InteractionLog, INTERACTIONS_HEADER } from './interactions.js';
export type { Interaction } from './interactions.js';
export { averagePrecisionAt, recallAt, observeOrder, splitOf, train, evaluate, defaultRecommender, MetricSum } from './evaluate.js';
export type { EvalResult, Scores, Split, Trained } from './evaluate.js';
