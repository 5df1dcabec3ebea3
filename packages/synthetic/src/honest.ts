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
import { HonestQuirks, type HonestQuirk, type PostalAddress } from './types.js';

/** Per-order probabilities of the things that make honest orders look odd. */
const NEW_PHONE_PER_ORDER = 0.006;
const TRAVEL_PER_ORDER = 0.012;
const GIFT_PER_ORDER = 0.025;
const SHARED_TABLET_PER_ORDER = 0.15;
const IN_STORE_PER_APP_ORDER = 0.02;
/** Most orders go to one of the shopper's usual merchants. */
const FAVOURITE_MERCHANT_SHARE = 0.75;
/** Basket sizes 1-4. */
const BASKET_SIZES = [1, 2, 3, 4] as const;
const BASKET_WEIGHTS = [0.52, 0.28, 0.13, 0.07] as const;

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

    return {
      at,
      userId: shopper.id,
      email: shopper.email,
      ...(shopper.phone !== undefined ? { phone: shopper.phone } : {}),
      accountCreatedAt,
      merchant,
      channel,
      lines,
      method,
      instrument,
      ...(method === 'instalments' ? { instalments: instalmentCount(total, currency, rng) } : {}),
      device,
      ip,
      shipping,
      ...(instrument.kind === 'card' && rng.chance(0.35) ? { billing: shopper.household.address } : {}),
      truth: quirks.length > 0 ? { fraud: false, pattern: 'none', quirks } : { fraud: false, pattern: 'none' },
    };
  }

  /**
   * A basket: an anchor item from a category the shopper likes, then items that go with it:
   * the catalogue's styled pairs, complementary categories, or more of what they like.
   */
  #basket(shopper: Shopper): { merchant: Merchant; lines: Line[] } {
    const rng = this.#rng;
    let category = Categories[rng.weightedIndex(shopper.categoryWeights)] as Category;
    let merchant = this.#merchantFor(shopper, category);
    if (!merchant) {
      // No merchant sells this category at all (a tiny catalogue): take what a favourite sells.
      merchant = shopper.merchants[0] ?? (this.#catalogue.merchants[0] as Merchant);
      category = [...merchant.orderable.keys()][0] as Category;
    }
    const lines: Line[] = [];
    const chosen = new Set<Product>();
    const add = (product: Product): void => {
      chosen.add(product);
      const basic = product.category === 'tops' || product.category === 'accessories';
      const quantity = basic && rng.chance(0.08) ? 2 : 1;
      lines.push(makeLine(product, colourFor(product, shopper.colours, rng), sizeFor(product, shopper.apparelSize, shopper.shoeSize), quantity));
    };
    const anchor = this.#productFor(shopper, merchant, category);
    if (anchor) add(anchor);
    else {
      const any = [...merchant.orderable.values()][0] as Product[];
      add(any[0] as Product);
    }
    const size = rng.weighted(BASKET_SIZES, BASKET_WEIGHTS);
    for (let attempt = 0; lines.length < size && attempt < size * 3; attempt++) {
      const r = rng.uniform();
      let next: Product | undefined;
      if (r < 0.45) {
        const from = (lines[rng.int(0, lines.length - 1)] as Line).product;
        const pairs = from.pairs.filter((p) => !chosen.has(p));
        if (pairs.length > 0) next = rng.weighted(pairs, pairs.map((p) => p.popularity));
      } else {
        const anchorCategory = (lines[0] as Line).product.category;
        const options = Categories.filter((c) => merchant.orderable.has(c));
        const weights = options.map((c) => {
          const rank = CATEGORIES[anchorCategory].complements.indexOf(c);
          const affinity = shopper.categoryWeights[Categories.indexOf(c)] as number;
          // Complements of the anchor, tilted towards the shopper's own taste; or just taste.
          return r < 0.75 ? (rank >= 0 ? (4 - rank) * (0.1 + affinity) : 0) : affinity;
        });
        if (weights.some((w) => w > 0)) next = this.#productFor(shopper, merchant, rng.weighted(options, weights), chosen);
      }
      if (next && !chosen.has(next)) add(next);
    }
    return { merchant, lines };
  }

  #merchantFor(shopper: Shopper, category: Category): Merchant | undefined {
    const rng = this.#rng;
    const favourites = shopper.merchants.filter((m) => m.orderable.has(category));
    if (favourites.length > 0 && rng.chance(FAVOURITE_MERCHANT_SHARE)) return rng.weighted(favourites, favourites.map((m) => m.size));
    const local = this.#catalogue.merchantsFor(shopper.market.currency, category);
    const pool = local.length > 0 && rng.chance(0.92) ? local : this.#catalogue.merchantsAnywhere(category);
    return pool.length > 0 ? rng.weighted(pool, pool.map((m) => m.size)) : undefined;
  }

  #productFor(shopper: Shopper, merchant: Merchant, category: Category, exclude?: ReadonlySet<Product>): Product | undefined {
    const candidates = (merchant.orderable.get(category) ?? []).filter((p) => !exclude?.has(p));
    if (candidates.length === 0) return undefined;
    const weights = candidates.map(
      (p) =>
        p.popularity *
        (shopper.brands.has(p.brand.name) ? 5 : 1) *
        tierFit(shopper.tier, p.brand.tier) *
        (p.colours.some((c) => shopper.colours.has(c.name)) ? 2 : 1),
    );
    return this.#rng.weighted(candidates, weights);
  }
}
