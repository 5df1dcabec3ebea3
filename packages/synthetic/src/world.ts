import type { FraudLabelReportedEvent, ProductUpdatedEvent } from '@commerce/contracts';
import { catalogueEntry, createCatalogue, merchantProfile, productEvent, type Catalogue } from './catalogue.js';
import { DiurnalClock, MS, yyyymmdd } from './clock.js';
import { DEFAULTS, MAX_FRAUD_SHARE } from './defaults.js';
import type { FraudContext } from './fraud/common.js';
import { planFraud } from './fraud/plan.js';
import { HonestOrders } from './honest.js';
import { IdentityFactory } from './identity.js';
import { IdMinter, fmix32, hashString, hex8 } from './ids.js';
import { labelOrders } from './labels.js';
import type { OrderDraft, Shopper } from './model.js';
import { createPopulation, shopperMarkets, shopperProfile } from './population.js';
import type { MarketCode } from './reference/markets.js';
import { AliasTable, Rng } from './rng.js';
import { orderEvent } from './order-event.js';
import type {
  CatalogueEntry, FraudulentPattern, LabelOptions, MerchantProfile, OrderStreamOptions, ResolvedWorldOptions, ShopperProfile,
  SyntheticOrder, World, WorldOptions,
} from './types.js';

const PATTERNS: readonly FraudulentPattern[] = ['ring', 'card_testing', 'mule', 'account_takeover'];

function positiveInteger(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${name} must be an integer of at least ${min}, got ${value}`);
  return value;
}

function share(name: string, value: number, max: number): number {
  if (!(Number.isFinite(value) && value >= 0 && value <= max)) throw new RangeError(`${name} must be between 0 and ${max}, got ${value}`);
  return value;
}

function instant(name: string, value: Date | string): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (!Number.isFinite(ms)) throw new RangeError(`${name} is not a valid date: ${String(value)}`);
  return ms;
}

export function resolveWorldOptions(options: WorldOptions): ResolvedWorldOptions {
  if (!Number.isSafeInteger(options.seed)) throw new RangeError(`seed must be a safe integer, got ${options.seed}`);
  const merchants = positiveInteger('merchants', options.merchants ?? DEFAULTS.merchants, 1);
  const products = positiveInteger('products', options.products ?? DEFAULTS.products, merchants);
  let fraudMix: Record<FraudulentPattern, number> = { ...DEFAULTS.fraudMix };
  if (options.fraudMix !== undefined) {
    const given = options.fraudMix;
    fraudMix = Object.fromEntries(PATTERNS.map((p) => [p, share(`fraudMix.${p}`, given[p] ?? 0, Number.MAX_VALUE)])) as Record<FraudulentPattern, number>;
    if (!PATTERNS.some((p) => fraudMix[p] > 0)) throw new RangeError('fraudMix needs at least one pattern with a positive share');
  }
  return {
    seed: options.seed,
    shoppers: positiveInteger('shoppers', options.shoppers ?? DEFAULTS.shoppers, 1),
    merchants,
    products,
    start: new Date(instant('start', options.start ?? DEFAULTS.start)).toISOString(),
    fraudShare: share('fraudShare', options.fraudShare ?? DEFAULTS.fraudShare, MAX_FRAUD_SHARE),
    fraudMix,
  };
}

class SyntheticWorld implements World {
  readonly options: ResolvedWorldOptions;
  readonly #rng: Rng;
  readonly #startMs: number;
  readonly #catalogue: Catalogue;
  readonly #identity: IdentityFactory;
  readonly #shoppers: readonly Shopper[];
  readonly #activity: AliasTable;
  readonly #clock = new DiurnalClock();

  constructor(options: ResolvedWorldOptions) {
    this.options = options;
    // Hashing the decimal seed lets any safe integer (negative, above 2^32) be a seed.
    this.#rng = new Rng(hashString(String(options.seed)));
    this.#startMs = Date.parse(options.start);
    // Catalogue and population draw from separate streams: resizing the population leaves the catalogue alone.
    this.#catalogue = createCatalogue(this.#rng.fork('catalogue'), options.merchants, options.products, this.#startMs);
    const populationRng = this.#rng.fork('population');
    const markets = shopperMarkets(options.shoppers, populationRng.fork('markets'));
    const perMarket = new Map<MarketCode, number>();
    for (const m of markets) perMarket.set(m.code, (perMarket.get(m.code) ?? 0) + 1);
    this.#identity = IdentityFactory.create(this.#rng.seed, this.#rng.fork('identity'), perMarket);
    this.#shoppers = createPopulation(options.shoppers, this.#catalogue, this.#identity, this.#startMs, populationRng.fork('shoppers'), markets);
    this.#activity = new AliasTable(this.#shoppers.map((s) => s.activity));
  }

  products(): ProductUpdatedEvent[] {
    return this.#catalogue.products.map(productEvent);
  }

  catalogue(): CatalogueEntry[] {
    return this.#catalogue.products.map(catalogueEntry);
  }

  merchants(): MerchantProfile[] {
    return this.#catalogue.merchants.map(merchantProfile);
  }

  shoppers(): ShopperProfile[] {
    return this.#shoppers.map(shopperProfile);
  }

  *orders(options: OrderStreamOptions): Generator<SyntheticOrder, void, undefined> {
    const count = positiveInteger('count', options.count, 0);
    const rate = options.ratePerSecond ?? DEFAULTS.ratePerSecond;
    if (!(Number.isFinite(rate) && rate > 0)) throw new RangeError(`ratePerSecond must be positive, got ${rate}`);
    const diurnal = options.diurnal ?? DEFAULTS.diurnal;
    if (count === 0) return;

    const horizonMs = (count / rate) * MS.second;
    // Every stream starts from the world as created, so repeated calls replay identically.
    const identity = this.#identity.clone();
    const streamRng = this.#rng.fork(`orders/${count}/${rate}/${diurnal}`);
    const campaignSalt = (label: string): number => hashString(label, streamRng.seed);
    const ctx: FraudContext = {
      catalogue: this.#catalogue,
      identity,
      shoppers: this.#shoppers,
      startMs: this.#startMs,
      horizonMs,
      campaignIds: {
        ring: new IdMinter('ring-', campaignSalt('ring')),
        card_testing: new IdMinter('ct-', campaignSalt('card_testing')),
        mule: new IdMinter('mule-', campaignSalt('mule')),
        account_takeover: new IdMinter('ato-', campaignSalt('account_takeover')),
      },
    };
    const fraud = planFraud(ctx, Math.round(count * this.options.fraudShare), this.options.fraudMix, streamRng.fork('fraud'));

    const honestRng = streamRng.fork('honest');
    const arrivals = streamRng.fork('arrivals');
    const honest = new HonestOrders(this.#catalogue, identity, honestRng, this.#shoppers.length);
    const honestCount = count - fraud.length;
    const activityStart = diurnal ? this.#clock.activityAt(this.#startMs) : this.#startMs;
    // The rate is the mean over the stream's own window, not over a day: a 40-second demo
    // stream starting at night still runs at ratePerSecond, and a month-long one still ends
    // after count / ratePerSecond.
    const activityEnd = diurnal ? this.#clock.activityAt(this.#startMs + horizonMs) : this.#startMs + horizonMs;
    const perMs = honestCount / (activityEnd - activityStart);
    const orderSalt = hashString('orders', streamRng.seed);
    let activity = activityStart;
    let seq = 0;
    let next = 0;
    const emit = (draft: OrderDraft): SyntheticOrder => {
      const orderId = `o-${yyyymmdd(draft.at)}-${hex8(fmix32((seq++ ^ orderSalt) >>> 0))}`;
      return { event: orderEvent(draft, orderId), truth: draft.truth };
    };

    for (let h = 0; h < honestCount; h++) {
      activity += arrivals.exponential(perMs);
      const at = Math.round(diurnal ? this.#clock.wallAt(activity) : activity);
      while (next < fraud.length && (fraud[next] as OrderDraft).at <= at) yield emit(fraud[next++] as OrderDraft);
      const shopper = this.#shoppers[this.#activity.sample(arrivals)] as Shopper;
      yield emit(honest.draft(shopper, at));
    }
    while (next < fraud.length) yield emit(fraud[next++] as OrderDraft);
  }

  labels(orders: Iterable<SyntheticOrder>, options: LabelOptions = {}): FraudLabelReportedEvent[] {
    const delayDays = options.delayDays ?? DEFAULTS.labelDelayDays;
    if (!(Number.isFinite(delayDays) && delayDays > 0)) throw new RangeError(`delayDays must be positive, got ${delayDays}`);
    return labelOrders(this.#rng.fork('labels'), orders, {
      delayDays,
      coverage: share('coverage', options.coverage ?? DEFAULTS.labelCoverage, 1),
      legitimateRate: share('legitimateRate', options.legitimateRate ?? DEFAULTS.legitimateLabelRate, 1),
      mislabelRate: share('mislabelRate', options.mislabelRate ?? DEFAULTS.mislabelRate, 1),
      ...(options.asOf !== undefined ? { asOfMs: instant('asOf', options.asOf) } : {}),
    });
  }
}

/**
 * A seeded synthetic world: a fashion catalogue, an honest population with tastes, devices,
 * cards and homes, and order streams in which fraud campaigns run alongside them.
 */
export function createWorld(options: WorldOptions): World {
  return new SyntheticWorld(resolveWorldOptions(options));
}
