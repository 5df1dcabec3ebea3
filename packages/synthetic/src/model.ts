/** The generator's internal model. Public shapes are in `types.ts`. */
import type { BrandRef, BrandTier, Category, ColourRef, MerchantKind, SubcategoryRef } from './reference/fashion.js';
import type { CityRef, Currency, MarketRef } from './reference/markets.js';
import type { OrderTruth, PostalAddress } from './types.js';

export type PaymentMethod = 'card' | 'pay_later' | 'instalments' | 'bank_transfer';
export type Channel = 'app' | 'web' | 'in_store';

export interface Merchant {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly market: MarketRef;
  readonly kind: MerchantKind;
  readonly brands: readonly BrandRef[];
  /** Relative share of traffic. */
  readonly size: number;
  /** Products that can be ordered (active, in stock), per category. */
  readonly orderable: Map<Category, Product[]>;
  /** The keys of `orderable`, in `Categories` order. */
  readonly sells: Category[];
  readonly products: Product[];
}

export interface Product {
  readonly index: number;
  readonly id: string;
  readonly merchant: Merchant;
  readonly brand: BrandRef;
  readonly category: Category;
  readonly subcategory: SubcategoryRef;
  readonly title: string;
  readonly description: string;
  /** Minor units of `currency`. */
  readonly price: number;
  readonly currency: Currency;
  readonly colours: readonly ColourRef[];
  readonly sizes: readonly string[];
  readonly stock: number;
  readonly active: boolean;
  readonly popularity: number;
  readonly tags: readonly string[];
  readonly imageKeys: readonly string[];
  readonly updatedAt: number;
  /** Filled once the whole merchant's range exists. */
  readonly pairs: Product[];
}

export interface Device {
  readonly id: string;
  readonly userAgent: string;
  readonly channel: 'app' | 'web';
}

export interface Instrument {
  readonly id: string;
  readonly kind: 'card' | 'bank';
  /** Card BIN; absent for bank accounts. */
  readonly bin?: string;
  /** Issuing country. */
  readonly country: string;
}

export interface Person {
  readonly first: string;
  readonly last: string;
}

export interface Household {
  readonly id: string;
  readonly market: MarketRef;
  readonly city: CityRef;
  readonly address: PostalAddress;
  readonly homeIp: string;
  /** A family tablet every member orders from now and then. */
  readonly sharedDevice: Device | undefined;
}

/**
 * Optional facts are `T | undefined` rather than optional properties so every shopper has the
 * same object shape, which keeps property access in the per-order loop monomorphic.
 */
export interface Shopper {
  readonly index: number;
  readonly id: string;
  readonly market: MarketRef;
  readonly person: Person;
  readonly email: string;
  /** Undefined: signs up at the first order of a stream. */
  readonly createdAt: number | undefined;
  readonly household: Household;
  readonly devices: readonly Device[];
  readonly cards: readonly Instrument[];
  readonly bank: Instrument | undefined;
  /** Pick-up point this shopper uses, and how often. */
  readonly pickupPoint: PostalAddress | undefined;
  readonly pickupShare: number;
  /** Weights over `Categories`, index-aligned; sums to 1. */
  readonly categoryWeights: readonly number[];
  readonly brands: ReadonlySet<string>;
  readonly colours: ReadonlySet<string>;
  readonly merchants: readonly Merchant[];
  readonly tier: BrandTier;
  readonly apparelSize: string;
  readonly shoeSize: string;
  /** Weights over card, pay_later, instalments, bank_transfer. */
  readonly methodWeights: readonly number[];
  /** Relative purchase rate, normalised to mean 1 once the population exists. */
  activity: number;
}

export interface Line {
  readonly product: Product;
  readonly colour: ColourRef;
  readonly size: string;
  readonly quantity: number;
}

/** Everything an order is made of, before it gets its id and becomes an event. */
export interface OrderDraft {
  readonly at: number;
  readonly userId: string;
  readonly email: string;
  readonly accountCreatedAt: number;
  readonly merchant: Merchant;
  readonly channel: Channel;
  readonly lines: readonly Line[];
  readonly method: PaymentMethod;
  readonly instrument: Instrument;
  readonly instalments?: number;
  readonly device: Device;
  readonly ip: string;
  readonly shipping: PostalAddress;
  readonly billing?: PostalAddress;
  readonly truth: OrderTruth;
}
