export { createWorld, resolveWorldOptions } from './world.js';
export { DEFAULTS, MAX_FRAUD_SHARE } from './defaults.js';
export { FraudPatterns, HonestQuirks } from './types.js';
export type {
  CatalogueEntry, FraudPattern, FraudulentPattern, HonestQuirk, LabelOptions, MerchantProfile, OrderStreamOptions, OrderTruth,
  PostalAddress, ResolvedWorldOptions, ShopperPreferences, ShopperProfile, SyntheticOrder, World, WorldOptions,
} from './types.js';
export { addressKey } from './identity.js';
export { lookupIp, binCountry, IpKinds } from './geo-ip.js';
export type { IpInfo, IpKind } from './geo-ip.js';
export { AliasTable, Rng, createRng } from './rng.js';
export { Categories, BrandTiers, MerchantKinds } from './reference/fashion.js';
export type { BrandTier, Category, MerchantKind } from './reference/fashion.js';
export { MarketCodes, Currencies } from './reference/markets.js';
export type { Currency, MarketCode } from './reference/markets.js';
