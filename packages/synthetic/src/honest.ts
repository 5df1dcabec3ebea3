/** Honest shoppers' orders: taste-driven baskets from their usual devices, cards and homes. */
import { colourFor, instalmentCount, instalmentsAllowed, lineTotal, makeLine, PAYMENT_METHODS, sizeFor } from './basket.js';
import type { Catalogue } from './catalogue.js';
import { MS } from './clock.js';
import type { IdentityFactory } from './identity.js';
import { pickCity } from './identity.js';
import type { Channel, Device, Instrument, Line, Merchant, OrderDraft, PaymentMethod, Product, Shopper } from './model.js';
import { tierFit } from './population.js';
import { CATEGORIES, Categories, type Category } from './reference/fashion.js';
import { TRAVEL_COUNTRIES } from './reference/markets.js';
import type { Rng } from './rng.js';
import { HonestQuirks, type HonestQuirk, type OrderTruth, type PostalAddress } from './types.js';

/** Per-order probabilities of the things that make honest orders look odd. */
const NEW_PHONE_PER_ORDER = 0.006;
const TRAVEL_PER_ORDER = 0.012;
const GIFT_PER_ORDER = 0.025;
const SHARED_TABLET_PER_ORDER = 0.15;
const IN_STORE_PER_APP_ORDER = 0.02;
/** Most orders go to one of the shopper's usual merchants. */
const FAVOURITE_MERCHANT_SHARE = 0.75;
/** Most fashion orders are a single item; four is about the most one basket holds. */
const BASKET_SIZES = [1, 2, 3, 4] as const;
const BASKET_WEIGHTS = [0.52, 0.28, 0.13, 0.07] as const;

const CATEGORY_INDEX = Object.fromEntries(Categories.map((c, i) => [c, i])) as Readonly<Record<Category, number>>;

/** Weight of category `b` as a complement of anchor `a`: 4 for the strongest, 0 when unrelated. */
const COMPLEMENT_WEIGHT = Object.fromEntries(
  Categories.map((a) => [a, Object.fromEntries(Categories.map((b) => {
    const rank = CATEGORIES[a].complements.indexOf(b);
    return [b, rank >= 0 ? 4 - rank : 0];
  }))]),
) as Readonly<Record<Category, Readonly<Record<Category, number>>>>;

const PLAIN: OrderTruth = { fraud: false, pattern: 'none' };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What one stream has learned about a shopper so far. */
interface ShopperState {
  createdAt?: number;
  orders: number;
  newPhone?: Device;
}

export class HonestOrders {
  readonly #catalogue: Catalogue;
  readonly #identity: IdentityFactory;
  readonly #rng: Rng;
  readonly #state: (ShopperState | undefined)[];
  /** Scratch buffers for weights, reused across orders. */
  readonly #weights: number[] = [];
  readonly #categoryWeights: number[] = [];

  constructor(catalogue: Catalogue, identity: IdentityFactory, rng: Rng, shopperCount: number) {
    this.#catalogue = catalogue;
    this.#identity = identity;
    this.#rng = rng;
    this.#state = new Array<ShopperState | undefined>(shopperCount);
  }

  draft(shopper: Shopper, at: number): OrderDraft {
    const rng = this.#rng;
    const state = (this.#state[shopper.index] ??= { orders: 0 });
    const quirks: HonestQuirk[] = [];

    if (shopper.createdAt === undefined && state.createdAt === undefined) {
      // Signed up in the checkout, a few minutes before paying.
      state.createdAt = at - Math.max(30 * MS.second, Math.round(rng.lognormal(4 * MS.minute, 0.8)));
      quirks.push(HonestQuirks.NewAccount);
    }
    const accountCreatedAt = (shopper.createdAt ?? state.createdAt) as number;

    let device: Device;
    if (state.orders > 0 && rng.chance(NEW_PHONE_PER_ORDER)) {
      state.newPhone = this.#identity.device('phone', rng);
      device = state.newPhone;
      quirks.push(HonestQuirks.NewDevice);
    } else if (shopper.household.sharedDevice && rng.chance(SHARED_TABLET_PER_ORDER)) {
      device = shopper.household.sharedDevice;
      quirks.push(HonestQuirks.SharedDevice);
    } else if (state.newPhone && rng.chance(0.7)) {
      device = state.newPhone;
    } else {
      device = shopper.devices.length > 1 && rng.chance(0.35) ? (shopper.devices[1] as Device) : (shopper.devices[0] as Device);
    }
    state.orders++;

    const channel: Channel = device.channel === 'app' && rng.chance(IN_STORE_PER_APP_ORDER) ? 'in_store' : device.channel;
    const market = shopper.market;
    let ip: string;
    if (channel !== 'in_store' && rng.chance(TRAVEL_PER_ORDER)) {
      ip = this.#identity.foreignIp(rng.weighted(TRAVEL_COUNTRIES, TRAVEL_COUNTRIES.map((c) => c.travelWeight)), rng);
      quirks.push(HonestQuirks.Travel);
    } else if (channel === 'in_store') {
      ip = this.#identity.mobileIp(market, rng);
    } else if (device.channel === 'app') {
      ip = rng.chance(0.55) ? this.#identity.mobileIp(market, rng) : shopper.household.homeIp;
    } else {
      const r = rng.uniform();
      ip = r < 0.85 ? shopper.household.homeIp : r < 0.95 ? this.#identity.otherBroadbandIp(market, rng) : this.#identity.mobileIp(market, rng);
    }

    const { merchant, lines } = this.#basket(shopper);
    const total = lineTotal(lines);
    const currency = merchant.market.currency;

    let method = rng.weighted(PAYMENT_METHODS, shopper.methodWeights) as PaymentMethod;
    if (method === 'instalments' && !instalmentsAllowed(total, currency)) method = 'pay_later';
    if (channel === 'in_store' && method === 'bank_transfer') method = 'pay_later';
    let instrument: Instrument;
    if (method === 'bank_transfer' && shopper.bank) instrument = shopper.bank;
    else if (method === 'pay_later' && shopper.bank && rng.chance(0.3)) instrument = shopper.bank;
    else instrument = shopper.cards.length > 1 && rng.chance(0.2) ? (shopper.cards[1] as Instrument) : (shopper.cards[0] as Instrument);

    let shipping: PostalAddress;
    if (channel !== 'in_store' && rng.chance(GIFT_PER_ORDER)) {
      shipping = this.#identity.streetAddress(market, pickCity(market, rng), rng, false);
      quirks.push(HonestQuirks.Gift);
    } else if (channel !== 'in_store' && shopper.pickupPoint && rng.chance(shopper.pickupShare)) {
      shipping = shopper.pickupPoint;
    } else {
      shipping = shopper.household.address;
    }

    // Assigned rather than spread: spreading optional fields was measurable at 100k orders.
    const draft: Mutable<OrderDraft> = {
      at,
      userId: shopper.id,
      email: shopper.email,
      accountCreatedAt,
      merchant,
      channel,
      lines,
      method,
      instrument,
      device,
      ip,
      shipping,
      truth: quirks.length > 0 ? { fraud: false, pattern: 'none', quirks } : PLAIN,
    };
    if (method === 'instalments') draft.instalments = instalmentCount(total, currency, rng);
    if (instrument.kind === 'card' && rng.chance(0.35)) draft.billing = shopper.household.address;
    return draft;
  }

  /**
   * A basket: an anchor item from a category the shopper likes, then items that go with it:
   * the catalogue's styled pairs, complementary categories, or more of what they like.
   */
  #basket(shopper: Shopper): { merchant: Merchant; lines: Line[] } {
    const rng = this.#rng;
    let category = Categories[rng.weightedIndex(shopper.categoryWeights)] as Category;
    // The shopper's taste picks the category; the merchant follows from it.
    let merchant = this.#merchantFor(shopper, category);
    if (!merchant) {
      // No merchant sells this category at all (a tiny catalogue): take what a favourite sells.
      merchant = shopper.merchants[0] ?? (this.#catalogue.merchants[0] as Merchant);
      category = [...merchant.orderable.keys()][0] as Category;
    }
    const lines: Line[] = [];
    // A basket holds at most four products, so an array beats a Set here.
    const chosen: Product[] = [];
    const anchor = this.#productFor(shopper, merchant, category) ?? ([...merchant.orderable.values()][0] as Product[])[0];
    this.#add(shopper, anchor as Product, lines, chosen);
    const size = rng.weighted(BASKET_SIZES, BASKET_WEIGHTS);
    for (let attempt = 0; lines.length < size && attempt < size * 3; attempt++) {
      const r = rng.uniform();
      let next: Product | undefined;
      if (r < 0.45) {
        const pairs = (lines[rng.int(0, lines.length - 1)] as Line).product.pairs;
        const weights = this.#weights;
        weights.length = pairs.length;
        let total = 0;
        for (let i = 0; i < pairs.length; i++) {
          const p = pairs[i] as Product;
          weights[i] = chosen.includes(p) ? 0 : p.popularity;
          total += weights[i] as number;
        }
        if (total > 0) next = pairs[rng.weightedIndex(weights)];
      } else {
        const complements = COMPLEMENT_WEIGHT[(lines[0] as Line).product.category];
        const options = merchant.sells;
        const weights = this.#categoryWeights;
        weights.length = options.length;
        let total = 0;
        for (let i = 0; i < options.length; i++) {
          const c = options[i] as Category;
          const affinity = shopper.categoryWeights[CATEGORY_INDEX[c]] as number;
          // Complements of the anchor, tilted towards the shopper's own taste; or just taste.
          const w = r < 0.75 ? complements[c] * (0.1 + affinity) : affinity;
          weights[i] = w;
          total += w;
        }
        if (total > 0) next = this.#productFor(shopper, merchant, options[rng.weightedIndex(weights)] as Category, chosen);
      }
      if (next && !chosen.includes(next)) this.#add(shopper, next, lines, chosen);
    }
    return { merchant, lines };
  }

  #add(shopper: Shopper, product: Product, lines: Line[], chosen: Product[]): void {
    const rng = this.#rng;
    chosen.push(product);
    // Basics are the only things bought two at a time.
    const basic = product.category === 'tops' || product.category === 'accessories';
    const quantity = basic && rng.chance(0.08) ? 2 : 1;
    lines.push(makeLine(product, colourFor(product, shopper.colours, rng), sizeFor(product, shopper.apparelSize, shopper.shoeSize), quantity));
  }

  #merchantFor(shopper: Shopper, category: Category): Merchant | undefined {
    const rng = this.#rng;
    if (rng.chance(FAVOURITE_MERCHANT_SHARE)) {
      const favourite = this.#weightedMerchant(shopper.merchants, category);
      if (favourite) return favourite;
    }
    const local = this.#catalogue.merchantsFor(shopper.market.currency, category);
    return this.#weightedMerchant(local.length > 0 && rng.chance(0.92) ? local : this.#catalogue.merchantsAnywhere(category), category);
  }

  /** A merchant selling `category`, by size; loops instead of filter/map because this runs per order. */
  #weightedMerchant(merchants: readonly Merchant[], category: Category): Merchant | undefined {
    let total = 0;
    for (const m of merchants) if (m.orderable.has(category)) total += m.size;
    if (total <= 0) return undefined;
    let r = this.#rng.uniform() * total;
    let last: Merchant | undefined;
    for (const m of merchants) {
      if (!m.orderable.has(category)) continue;
      last = m;
      r -= m.size;
      if (r < 0) return m;
    }
    return last;
  }

  #productFor(shopper: Shopper, merchant: Merchant, category: Category, exclude?: readonly Product[]): Product | undefined {
    const candidates = merchant.orderable.get(category);
    if (!candidates) return undefined;
    const weights = this.#weights;
    weights.length = candidates.length;
    let total = 0;
    for (let i = 0; i < candidates.length; i++) {
      const p = candidates[i] as Product;
      let w = 0;
      if (!exclude?.includes(p)) {
        w = p.popularity * (shopper.brands.has(p.brand.name) ? 5 : 1) * tierFit(shopper.tier, p.brand.tier);
        for (const c of p.colours) {
          if (shopper.colours.has(c.name)) {
            w *= 3;
            break;
          }
        }
      }
      weights[i] = w;
      total += w;
    }
    if (total <= 0) return undefined;
    return candidates[this.#rng.weightedIndex(weights)];
  }
}
