/** The package's public types. Internal model types live in `model.ts`. */
import type { FraudLabelReportedEvent, OrderPlacedEvent, ProductUpdatedEvent } from '@commerce/contracts';
import type { BrandTier, Category, MerchantKind } from './reference/fashion.js';
import type { Currency, MarketCode } from './reference/markets.js';

export const FraudPatterns = {
  None: 'none',
  Ring: 'ring',
  Mule: 'mule',
  CardTesting: 'card_testing',
  AccountTakeover: 'account_takeover',
} as const;
export type FraudPattern = (typeof FraudPatterns)[keyof typeof FraudPatterns];
export type FraudulentPattern = Exclude<FraudPattern, 'none'>;

/** Why an honest order might look suspicious; lets an evaluation study its false positives. */
export const HonestQuirks = {
  /** The shopper's first order, minutes after signing up. */
  NewAccount: 'new_account',
  /** The shopper's first order from a phone they just bought. */
  NewDevice: 'new_device',
  /** Ordered from abroad, on holiday. */
  Travel: 'travel',
  /** Shipped to someone else's address. */
  Gift: 'gift',
  /** Placed on a tablet the household shares. */
  SharedDevice: 'shared_device',
} as const;
export type HonestQuirk = (typeof HonestQuirks)[keyof typeof HonestQuirks];

export type OrderTruth =
  | { readonly fraud: false; readonly pattern: 'none'; readonly quirks?: readonly HonestQuirk[] }
  | {
      readonly fraud: true;
      readonly pattern: FraudulentPattern;
      /** The coordinated operation the order belongs to; every fraud order has one. */
      readonly campaignId: string;
      /** Set for ring orders: the ring, equal to `campaignId`. */
      readonly ringId?: string;
    };

export interface SyntheticOrder {
  /** A publishable `order-placed` payload. */
  readonly event: OrderPlacedEvent;
  readonly truth: OrderTruth;
}

export type PostalAddress = OrderPlacedEvent['shippingAddress'];

export interface WorldOptions {
  /** Any integer; the same seed and options always give the same world and streams. */
  readonly seed: number;
  readonly shoppers?: number;
  readonly merchants?: number;
  readonly products?: number;
  /** The instant simulated time begins. */
  readonly start?: Date | string;
  /** Share of orders that are fraud, in [0, 0.5]. */
  readonly fraudShare?: number;
  /** Relative share of fraud orders per pattern; missing patterns weigh 0 when any is given. */
  readonly fraudMix?: Partial<Readonly<Record<FraudulentPattern, number>>>;
}

export interface ResolvedWorldOptions {
  readonly seed: number;
  readonly shoppers: number;
  readonly merchants: number;
  readonly products: number;
  /** ISO 8601. */
  readonly start: string;
  readonly fraudShare: number;
  readonly fraudMix: Readonly<Record<FraudulentPattern, number>>;
}

export interface OrderStreamOptions {
  /** Orders to generate, exactly. */
  readonly count: number;
  /**
   * Mean orders per second of simulated time (the spacing of `placedAt`, not generation
   * speed): the stream spans about `count / ratePerSecond` seconds from the world's start.
   */
  readonly ratePerSecond?: number;
  /** Within that span, follow a day/night curve (busy evenings, quiet small hours). */
  readonly diurnal?: boolean;
}

export interface LabelOptions {
  /** Typical (median) days from an order to its chargeback. */
  readonly delayDays?: number;
  /** Share of fraud orders that get labelled, in [0, 1]. */
  readonly coverage?: number;
  /** Share of honest orders cleared by manual review with a 'legitimate' label. */
  readonly legitimateRate?: number;
  /** Share of honest orders wrongly labelled 'fraud' (friendly-fraud chargebacks). */
  readonly mislabelRate?: number;
  /** Only labels reported at or before this instant, as a training job would see them. */
  readonly asOf?: Date | string;
}

export interface MerchantProfile {
  readonly merchantId: string;
  readonly name: string;
  readonly country: MarketCode;
  readonly currency: Currency;
  readonly kind: MerchantKind;
  readonly brands: readonly string[];
  readonly categories: readonly Category[];
}

export interface ShopperPreferences {
  /** Probability of each category as the anchor of a basket; sums to 1. */
  readonly categories: Readonly<Record<Category, number>>;
  readonly brands: readonly string[];
  readonly colours: readonly string[];
  readonly merchantIds: readonly string[];
  readonly tier: BrandTier;
  readonly apparelSize: string;
  readonly shoeSize: string;
}

/** An honest shopper as the world made them: the ground truth behind their purchases. */
export interface ShopperProfile {
  readonly userId: string;
  readonly email: string;
  readonly homeCountry: MarketCode;
  readonly homeAddress: PostalAddress;
  readonly householdId: string;
  /** Undefined for shoppers who sign up at their first order inside a stream. */
  readonly accountCreatedAt?: string;
  readonly deviceIds: readonly string[];
  readonly instrumentIds: readonly string[];
  /** Relative purchase rate (heavy-tailed, mean about 1). */
  readonly activity: number;
  readonly preferences: ShopperPreferences;
}

/** A catalogue product with the facts behind it that the event does not carry. */
export interface CatalogueEntry {
  readonly event: ProductUpdatedEvent;
  readonly tier: BrandTier;
  /** Relative popularity among shoppers. */
  readonly popularity: number;
  /** Products of the same merchant it is styled and bought with. */
  readonly pairsWith: readonly string[];
}

export interface World {
  readonly options: ResolvedWorldOptions;
  /** The catalogue as `product-updated` events (state at the world's start). */
  products(): ProductUpdatedEvent[];
  catalogue(): CatalogueEntry[];
  merchants(): MerchantProfile[];
  /** Honest shoppers only; fraud accounts are created inside each order stream. */
  shoppers(): ShopperProfile[];
  /**
   * A time-ordered stream of exactly `count` orders, honest and fraudulent, each with its
   * ground truth. Every call with the same options yields the same stream.
   */
  orders(options: OrderStreamOptions): Generator<SyntheticOrder, void, undefined>;
  /**
   * Labels for the given orders as they would trickle in: chargebacks, reviews and reports,
   * days late, for a share of fraud and a few honest orders. Sorted by `reportedAt`. A given
   * order gets the same label whichever other orders are passed alongside it.
   */
  labels(orders: Iterable<SyntheticOrder>, options?: LabelOptions): FraudLabelReportedEvent[];
}
