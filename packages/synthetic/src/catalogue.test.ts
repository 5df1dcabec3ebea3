import { ProductUpdated } from '@commerce/contracts';
import { apportion, shelfPrice } from './catalogue.js';
import { Categories } from './reference/fashion.js';
import { createWorld } from './world.js';

describe('catalogue', () => {
  const worlds = [1, 2, 3].map((seed) => createWorld({ seed, shoppers: 10 }));

  it('passes the strict product-updated contract for every product', () => {
    for (const world of worlds) {
      const bad = world.products().flatMap((p) => ProductUpdated.publishIssues(p).map((i) => `${p.productId}: ${i.path} ${i.message}`));
      expect(bad).toEqual([]);
    }
  });

  it('has the requested number of products across the requested merchants, with unique ids', () => {
    const world = worlds[0]!;
    const products = world.products();
    expect(products).toHaveLength(600);
    expect(new Set(products.map((p) => p.productId)).size).toBe(600);
    const merchants = world.merchants();
    expect(merchants).toHaveLength(40);
    expect(new Set(merchants.map((m) => m.merchantId)).size).toBe(40);
    for (const m of merchants) expect(products.some((p) => p.merchantId === m.merchantId && p.active && p.stock > 0)).toBe(true);
  });

  it('covers every fashion category and keeps images under the merchant and product', () => {
    for (const world of worlds) {
      const products = world.products();
      expect(new Set(products.map((p) => p.category))).toEqual(new Set(Categories));
      for (const p of products) {
        expect(p.imageKeys[0]).toBe(`catalogue/${p.merchantId}/${p.productId}/front.jpg`);
        for (const key of p.imageKeys) expect(key.startsWith(`catalogue/${p.merchantId}/${p.productId}/`)).toBe(true);
        expect(p.colours.length).toBeGreaterThan(0);
        expect(p.sizes.length).toBeGreaterThan(0);
      }
    }
  });

  it('prices in each merchant’s local currency with shop-style endings', () => {
    const world = worlds[0]!;
    const currencyOf = new Map(world.merchants().map((m) => [m.merchantId, m.currency]));
    for (const p of world.products()) {
      expect(p.price.currency).toBe(currencyOf.get(p.merchantId));
      const cents = p.price.value % 100;
      if (p.price.currency === 'EUR') expect([95, 99]).toContain(cents);
      else if (p.price.currency === 'GBP') expect(cents).toBe(99);
      else {
        expect(cents).toBe(0);
        expect((p.price.value / 100) % 10).toBe(9);
      }
    }
  });

  it('prices premium and luxury brands above budget ones', () => {
    const entries = worlds[0]!.catalogue().filter((e) => e.event.price.currency === 'SEK' || e.event.price.currency === 'EUR');
    const mean = (tier: string, currency: string): number => {
      const xs = entries.filter((e) => e.tier === tier && e.event.price.currency === currency).map((e) => e.event.price.value);
      return xs.reduce((s, x) => s + x, 0) / xs.length;
    };
    expect(mean('luxury', 'SEK')).toBeGreaterThan(2 * mean('budget', 'SEK'));
    expect(mean('premium', 'EUR')).toBeGreaterThan(mean('budget', 'EUR'));
  });

  it('pairs products with others of the same merchant in complementary categories', () => {
    const entries = worlds[1]!.catalogue();
    const byId = new Map(entries.map((e) => [e.event.productId, e]));
    for (const e of entries) {
      for (const id of e.pairsWith) {
        const other = byId.get(id)!;
        expect(other.event.merchantId).toBe(e.event.merchantId);
        expect(other.event.productId).not.toBe(e.event.productId);
      }
    }
    expect(entries.filter((e) => e.pairsWith.length >= 2).length / entries.length).toBeGreaterThan(0.8);
  });
});

describe('shelfPrice', () => {
  it('rounds to charm prices in minor units', () => {
    expect(shelfPrice(26, 'SEK')).toBe(29900);
    expect(shelfPrice(19, 'EUR')).toBe(1995);
    expect(shelfPrice(5, 'EUR')).toBe(499);
    expect(shelfPrice(170, 'GBP')).toBe(13999);
  });
});

describe('apportion', () => {
  it('splits a total exactly, in proportion, with a floor per part', () => {
    expect(apportion(10, [1, 1, 2])).toEqual([3, 2, 5]);
    expect(apportion(7, [0, 0, 100], 1).reduce((s, x) => s + x, 0)).toBe(7);
    expect(Math.min(...apportion(7, [0, 0, 100], 1))).toBe(1);
    expect(apportion(2, [1, 1, 1], 1).reduce((s, x) => s + x, 0)).toBe(2);
  });
});
