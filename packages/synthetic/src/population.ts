import type { Catalogue } from './catalogue.js';
import { MS, iso } from './clock.js';
import type { IdentityFactory } from './identity.js';
import { pickCity } from './identity.js';
import type { Device, Household, Instrument, Merchant, Shopper } from './model.js';
import { BrandTiers, CATEGORIES, COLOURS, Categories, LETTER_SIZES, type BrandTier, type Category } from './reference/fashion.js';
import { MARKET_LIST, type MarketRef } from './reference/markets.js';
import type { Rng } from './rng.js';
import type { ShopperProfile } from './types.js';

/** Share of shoppers who sign up at their first order, as BNPL checkouts invite them to. */
const NEWCOMER_SHARE = 0.06;
/** Nordic shoppers ship to pick-up points far more than others do. */
const PICKUP_MARKETS = new Set(['SE', 'NO', 'DK', 'FI']);
/** Total Dirichlet concentration of category tastes: low, so most shoppers favour two or three. */
const CATEGORY_CONCENTRATION = 2.4;

const TIER_RANK: Readonly<Record<BrandTier, number>> = { budget: 0, mid: 1, premium: 2, luxury: 3 };
/** How much a shopper of one tier likes a brand, by how many tiers apart they are. */
const FIT_BY_DISTANCE = [3, 1, 0.25, 0.05] as const;

export function tierFit(a: BrandTier, b: BrandTier): number {
  return FIT_BY_DISTANCE[Math.abs(TIER_RANK[a] - TIER_RANK[b])] as number;
}

interface HouseholdDraft {
  readonly household: Household;
  readonly size: number;
  readonly sharedSurname?: string;
}

function makeHousehold(market: MarketRef, identity: IdentityFactory, rng: Rng): HouseholdDraft {
  const city = pickCity(market, rng);
  const size = rng.weighted([1, 2, 3], [0.7, 0.2, 0.1]);
  const sharedDevice: Device | undefined = size > 1 && rng.chance(0.35) ? identity.device('tablet', rng) : undefined;
  const household: Household = {
    id: identity.ids.households.next(),
    market,
    city,
    address: identity.streetAddress(market, city, rng, true),
    homeIp: identity.homeIp(market, rng),
    sharedDevice,
  };
  return size > 1 && rng.chance(0.6) ? { household, size, sharedSurname: rng.pick(market.lastNames) } : { household, size };
}

/** What the population needs to know about a merchant, computed once instead of per shopper. */
interface MerchantFacts {
  readonly merchant: Merchant;
  /** Mean tier fit of its brands for a shopper of each tier. */
  readonly fit: Readonly<Record<BrandTier, number>>;
  /** Index-aligned with `Categories`: does it sell the category. */
  readonly sells: readonly boolean[];
}

function merchantFacts(merchants: readonly Merchant[]): MerchantFacts[] {
  return merchants.map((merchant) => ({
    merchant,
    fit: Object.fromEntries(
      BrandTiers.map((t) => [t, merchant.brands.reduce((s, b) => s + tierFit(t, b.tier), 0) / merchant.brands.length]),
    ) as Record<BrandTier, number>,
    sells: Categories.map((c) => merchant.orderable.has(c)),
  }));
}

function favouriteMerchants(
  market: MarketRef,
  tier: BrandTier,
  categoryWeights: readonly number[],
  facts: readonly MerchantFacts[],
  rng: Rng,
): Merchant[] {
  const weights = facts.map(({ merchant, fit, sells }) => {
    const home = merchant.market.currency === market.currency ? 8 : 0.3;
    let taste = 0.05;
    for (let i = 0; i < sells.length; i++) if (sells[i]) taste += categoryWeights[i] as number;
    return home * merchant.size * fit[tier] * taste;
  });
  return rng.weightedSample(facts, weights, rng.int(2, 4)).map((f) => f.merchant);
}

export function createPopulation(
  count: number,
  catalogue: Catalogue,
  identity: IdentityFactory,
  startMs: number,
  rng: Rng,
  marketOf: readonly MarketRef[],
): Shopper[] {
  const shoppers: Shopper[] = [];
  const facts = merchantFacts(catalogue.merchants);
  let current: HouseholdDraft | undefined;
  let left = 0;
  for (let index = 0; index < count; index++) {
    const market = marketOf[index] as MarketRef;
    // Members of one household are consecutive and share its market.
    if (!current || left === 0 || current.household.market !== market) {
      current = makeHousehold(market, identity, rng);
      left = current.size;
    }
    left--;
    const { household } = current;
    const person = identity.person(market, rng, current.sharedSurname);
    const newcomer = rng.chance(NEWCOMER_SHARE);
    // Account ages spread over years: median a bit over a year, a long tail to a decade.
    const ageDays = Math.min(4300, Math.max(2, rng.lognormal(420, 1)));
    const createdAt = newcomer ? undefined : startMs - Math.round(ageDays * MS.day + rng.between(0, MS.day));

    const devices: Device[] = [identity.device(rng.chance(0.75) ? 'phone' : 'desktop', rng)];
    if (rng.chance(0.45)) devices.push(identity.device(devices[0]!.channel === 'app' ? 'desktop' : 'phone', rng));
    const cards: Instrument[] = [identity.card(market.code, rng.pick(market.cardBins))];
    if (rng.chance(0.35)) cards.push(identity.card(market.code, rng.pick(market.cardBins)));
    const bank = rng.chance(0.45) ? identity.bank(market.code) : undefined;

    const usesPickup = rng.chance(PICKUP_MARKETS.has(market.code) ? 0.45 : 0.2);
    const points = identity.pickupPoints(market, household.city);
    const pickupPoint = usesPickup && points.length > 0 ? rng.pick(points) : undefined;

    const categoryWeights = rng.dirichlet(Categories.map((c) => CATEGORIES[c].weight * CATEGORY_CONCENTRATION));
    const tier = rng.weighted(BrandTiers, [0.3, 0.45, 0.2, 0.05]);
    const merchants = favouriteMerchants(market, tier, categoryWeights, facts, rng);
    const carried = [...new Map(merchants.flatMap((m) => m.brands).map((b) => [b.name, b])).values()];
    const brands = new Set(rng.weightedSample(carried, carried.map((b) => tierFit(tier, b.tier)), rng.int(2, 4)).map((b) => b.name));
    const colours = new Set<string>();
    while (colours.size < 3) colours.add(rng.weighted(COLOURS, COLOURS.map((c) => c.weight)).name);

    const methodBase = [0.25, 0.45, 0.12, bank ? 0.18 : 0];
    const methodWeights = rng.dirichlet(methodBase.map((w) => Math.max(w, 1e-6) * 3)).map((w, i) => (methodBase[i] === 0 ? 0 : w));

    shoppers.push({
      index,
      id: identity.ids.users.next(),
      market,
      person,
      email: identity.personalEmail(person, market, rng),
      createdAt,
      household,
      devices,
      cards,
      bank,
      pickupPoint,
      pickupShare: pickupPoint ? rng.between(0.5, 0.95) : 0,
      categoryWeights,
      brands,
      colours,
      merchants,
      tier,
      apparelSize: rng.weighted(LETTER_SIZES, [0.01, 0.12, 0.3, 0.3, 0.18, 0.08, 0.01]),
      shoeSize: String(Math.min(46, Math.max(35, Math.round(rng.normal(39, 2))))),
      methodWeights,
      // Heavy-tailed purchase rates: a few shoppers buy every week, most a few times a year.
      // Capped so no single shopper dominates a small population's stream.
      activity: Math.min(25, rng.lognormal(1, 0.9)),
    });
  }
  const mean = shoppers.reduce((s, x) => s + x.activity, 0) / Math.max(1, shoppers.length);
  for (const s of shoppers) s.activity /= mean;
  return shoppers;
}

/** Markets for `count` shoppers, in proportion to the market weights and in household-friendly runs. */
export function shopperMarkets(count: number, rng: Rng): MarketRef[] {
  const out: MarketRef[] = [];
  while (out.length < count) {
    const market = rng.weighted(MARKET_LIST, MARKET_LIST.map((m) => m.shopperWeight));
    // Runs of three keep households whole without skewing market shares.
    for (let k = 0; k < 3 && out.length < count; k++) out.push(market);
  }
  return out;
}

export function shopperProfile(s: Shopper): ShopperProfile {
  const categories = Object.fromEntries(Categories.map((c, i) => [c, s.categoryWeights[i] as number])) as Record<Category, number>;
  return {
    userId: s.id,
    email: s.email,
    homeCountry: s.market.code,
    homeAddress: { ...s.household.address },
    householdId: s.household.id,
    ...(s.createdAt !== undefined ? { accountCreatedAt: iso(s.createdAt) } : {}),
    deviceIds: [...s.devices, ...(s.household.sharedDevice ? [s.household.sharedDevice] : [])].map((d) => d.id),
    instrumentIds: [...s.cards, ...(s.bank ? [s.bank] : [])].map((i) => i.id),
    activity: s.activity,
    preferences: {
      categories,
      brands: [...s.brands],
      colours: [...s.colours],
      merchantIds: s.merchants.map((m) => m.id),
      tier: s.tier,
      apparelSize: s.apparelSize,
      shoeSize: s.shoeSize,
    },
  };
}
