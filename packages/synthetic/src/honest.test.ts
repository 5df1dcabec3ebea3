import type { OrderPlacedEvent } from '@commerce/contracts';
import { Categories, type Category } from './reference/fashion.js';
import type { ShopperProfile } from './types.js';
import { createWorld } from './world.js';

/** Purchase histories of honest shoppers with at least `min` orders. */
const world = createWorld({ seed: 314, shoppers: 1_500, merchants: 30, products: 500 });
let histories: { shopper: ShopperProfile; orders: OrderPlacedEvent[] }[];

beforeAll(() => {
  const byUser = new Map<string, OrderPlacedEvent[]>();
  for (const o of world.orders({ count: 20_000 })) {
    if (o.truth.fraud) continue;
    byUser.set(o.event.userId, [...(byUser.get(o.event.userId) ?? []), o.event]);
  }
  histories = world
    .shoppers()
    .map((shopper) => ({ shopper, orders: byUser.get(shopper.userId) ?? [] }))
    .filter((h) => h.orders.length >= 4);
}, 60_000);

const topCategories = (s: ShopperProfile, n: number): Category[] =>
  [...Categories].sort((a, b) => s.preferences.categories[b] - s.preferences.categories[a]).slice(0, n);

/** Share of a history's items that fall in `accept`, pooled over all histories. */
function pooledShare(pick: (h: (typeof histories)[number], index: number) => (item: OrderPlacedEvent['items'][number]) => boolean): number {
  let hit = 0;
  let all = 0;
  histories.forEach((h, i) => {
    const accept = pick(h, i);
    for (const o of h.orders) for (const item of o.items) {
      all++;
      if (accept(item)) hit++;
    }
  });
  return hit / all;
}

describe('honest purchase histories', () => {
  it('has enough repeat shoppers to learn from', () => {
    expect(histories.length).toBeGreaterThan(500);
  });

  it('concentrate on each shopper’s preferred categories, far beyond another shopper’s preferences', () => {
    const own = pooledShare((h) => {
      const top = new Set<string>(topCategories(h.shopper, 3));
      return (item) => top.has(item.category);
    });
    // The same test against someone else's taste is the baseline popularity alone explains.
    const other = pooledShare((_h, i) => {
      const top = new Set<string>(topCategories(histories[(i + 1) % histories.length]!.shopper, 3));
      return (item) => top.has(item.category);
    });
    expect(own).toBeGreaterThan(0.6);
    expect(own - other).toBeGreaterThan(0.15);
  });

  it('favour each shopper’s brands and colours', () => {
    const ownBrand = pooledShare((h) => (item) => h.shopper.preferences.brands.includes(item.brand));
    const otherBrand = pooledShare((_h, i) => (item) => histories[(i + 7) % histories.length]!.shopper.preferences.brands.includes(item.brand));
    expect(ownBrand).toBeGreaterThan(2 * otherBrand);
    const ownColour = pooledShare((h) => (item) => h.shopper.preferences.colours.includes(item.colour));
    const otherColour = pooledShare((_h, i) => (item) => histories[(i + 7) % histories.length]!.shopper.preferences.colours.includes(item.colour));
    expect(ownColour).toBeGreaterThan(1.5 * otherColour);
  });

  it('mostly buy from the shopper’s favourite merchants', () => {
    const share = histories.flatMap((h) => h.orders.map((o) => h.shopper.preferences.merchantIds.includes(o.merchantId))).filter(Boolean).length /
      histories.reduce((s, h) => s + h.orders.length, 0);
    expect(share).toBeGreaterThan(0.6);
  });

  it('buy in the shopper’s own sizes', () => {
    let sized = 0;
    let own = 0;
    for (const h of histories) for (const o of h.orders) for (const item of o.items) {
      const size = item.sku.slice(item.sku.lastIndexOf('-') + 1).toUpperCase();
      if (size === 'ONESIZE') continue;
      sized++;
      if (size === h.shopper.preferences.apparelSize || size === h.shopper.preferences.shoeSize) own++;
    }
    expect(own / sized).toBeGreaterThan(0.8);
  });

  it('put products that are styled together into the same basket', () => {
    const pairs = new Map(world.catalogue().map((c) => [c.event.productId, new Set(c.pairsWith)]));
    const byMerchant = new Map<string, string[]>();
    for (const c of world.catalogue()) byMerchant.set(c.event.merchantId, [...(byMerchant.get(c.event.merchantId) ?? []), c.event.productId]);
    let together = 0;
    let couples = 0;
    let chance = 0;
    for (const h of histories) for (const o of h.orders) {
      const ids = o.items.map((i) => i.productId);
      const catalogueSize = byMerchant.get(o.merchantId)!.length;
      for (let a = 0; a < ids.length; a++) for (let b = a + 1; b < ids.length; b++) {
        couples++;
        if (pairs.get(ids[a]!)!.has(ids[b]!) || pairs.get(ids[b]!)!.has(ids[a]!)) together++;
        // Two or three partners per product: the chance a random couple is a styled pair.
        chance += Math.min(1, 5 / Math.max(1, catalogueSize - 1));
      }
    }
    expect(couples).toBeGreaterThan(1_000);
    expect(together / couples).toBeGreaterThan(2 * (chance / couples));
  });

  it('have baskets of one to four items, mostly one', () => {
    const sizes = histories.flatMap((h) => h.orders.map((o) => o.items.length));
    expect(Math.min(...sizes)).toBe(1);
    expect(Math.max(...sizes)).toBe(4);
    expect(sizes.filter((n) => n === 1).length / sizes.length).toBeGreaterThan(0.4);
  });
});
