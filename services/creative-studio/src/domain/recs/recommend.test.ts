import type { OrderPlacedEvent, ProductUpdatedEvent } from '@commerce/contracts';
import { OrderPlaced, ProductUpdated } from '@commerce/contracts';
import {
  CoPurchaseIndex, Popularity, composeLooks, foldOrder, prepareCatalogue, productFromEvent, recommend, recommendForNewShopper,
  type CatalogueProduct, type ShopperProfile,
} from './index.js';

const SUBS: Record<string, string[]> = {
  tops: ['t-shirts', 'shirts', 'blouses'],
  bottoms: ['jeans', 'trousers', 'skirts'],
  shoes: ['sneakers', 'ankle-boots', 'loafers'],
  accessories: ['scarves', 'belts', 'caps'],
  outerwear: ['coats', 'parkas'],
  dresses: ['midi-dresses', 'mini-dresses'],
  knitwear: ['sweaters', 'cardigans'],
  bags: ['tote-bags', 'backpacks'],
};
const BRANDS = ['Basico', 'Stad', 'Kora', 'Norrsken', 'Bryn', 'Halden'];
const COLOURS = ['black', 'white', 'navy', 'beige', 'red'];

function product(id: string, category: string, i: number, over: Partial<ProductUpdatedEvent> = {}): CatalogueProduct {
  const subs = SUBS[category] as string[];
  return productFromEvent({
    ...ProductUpdated.example,
    productId: id,
    title: `${category} ${i}`,
    brand: BRANDS[i % BRANDS.length] as string,
    category,
    subcategory: subs[i % subs.length] as string,
    price: { value: 29900 + (i % 7) * 10000, currency: 'SEK' },
    colours: [COLOURS[i % COLOURS.length] as string],
    stock: 10,
    active: true,
    tags: [],
    ...over,
  });
}

/** Twenty products in each of eight categories; ids sort by category. */
function catalogue(): Map<string, CatalogueProduct> {
  const m = new Map<string, CatalogueProduct>();
  for (const c of Object.keys(SUBS)) for (let i = 0; i < 20; i++) m.set(`${c}-${String(i).padStart(2, '0')}`, product(`${c}-${String(i).padStart(2, '0')}`, c, i));
  return m;
}

function order(orderId: string, placedAt: string, items: CatalogueProduct[]): OrderPlacedEvent {
  const ex = structuredClone(OrderPlaced.example);
  return {
    ...ex,
    orderId,
    userId: 'u-1',
    placedAt,
    items: items.map((p) => ({
      sku: `${p.productId}-x`, productId: p.productId, title: p.title, category: p.category, brand: p.brand, colour: p.colours[0] as string,
      unitPrice: p.price, quantity: 1,
    })),
  };
}

/** Signals where everything sells a little, tops the most: popularity alone would push tops. */
function signals(cat: Map<string, CatalogueProduct>): { coPurchase: CoPurchaseIndex; popularity: Popularity } {
  const popularity = new Popularity();
  const at = new Date('2026-11-20T00:00:00Z');
  for (const p of cat.values()) for (let n = 0; n < (p.category === 'tops' ? 30 : 3); n++) popularity.add(p.productId, at);
  return { coPurchase: new CoPurchaseIndex(), popularity };
}

function sneakerAndDenimShopper(cat: Map<string, CatalogueProduct>): ShopperProfile {
  let profile: ShopperProfile | undefined;
  const buys = [['shoes-00', 'bottoms-00'], ['shoes-03'], ['bottoms-03', 'shoes-06'], ['bottoms-06']];
  buys.forEach((ids, i) => {
    profile = foldOrder(profile, order(`o-${i}`, `2026-11-1${i}T10:00:00Z`, ids.map((id) => cat.get(id) as CatalogueProduct)));
  });
  return profile as ShopperProfile;
}

describe('recommend', () => {
  it('gives a shopper who buys only sneakers and jeans mostly shoes and bottoms, even when tops sell more', () => {
    const cat = catalogue();
    const recs = recommend(sneakerAndDenimShopper(cat), cat, signals(cat));
    expect(recs).toHaveLength(12);
    const own = recs.filter((r) => r.product.category === 'shoes' || r.product.category === 'bottoms');
    expect(own.length).toBeGreaterThanOrEqual(7);
    expect(recs[0]?.why.join(' ')).toMatch(/you often buy (shoes|bottoms)/);
  });

  it('ranks by popularity when the profile says nothing about the products', () => {
    const cat = catalogue();
    const recs = recommendForNewShopper(cat, signals(cat), { k: 4 });
    // Tops are ten times as popular; the category cap (half of k) lets two in, then the rest.
    expect(recs.filter((r) => r.product.category === 'tops')).toHaveLength(2);
  });

  it('never recommends what the shopper bought', () => {
    const cat = catalogue();
    const profile = sneakerAndDenimShopper(cat);
    const recs = recommend(profile, cat, signals(cat), { k: 40 });
    const bought = new Set(profile.bought);
    expect(bought.size).toBe(6);
    expect(recs.filter((r) => bought.has(r.product.productId))).toEqual([]);
  });

  it('leaves out products that are out of stock or withdrawn, and those above maxPrice', () => {
    const cat = catalogue();
    const profile = sneakerAndDenimShopper(cat);
    const before = recommend(profile, cat, signals(cat)).map((r) => r.product.productId);
    const soldOut = before[0] as string;
    const withdrawn = before[1] as string;
    cat.set(soldOut, { ...(cat.get(soldOut) as CatalogueProduct), stock: 0 });
    cat.set(withdrawn, { ...(cat.get(withdrawn) as CatalogueProduct), active: false });
    const after = recommend(profile, cat, signals(cat), { k: 160 }).map((r) => r.product.productId);
    expect(after).not.toContain(soldOut);
    expect(after).not.toContain(withdrawn);
    const cheap = recommend(profile, cat, signals(cat), { maxPrice: 40000 });
    expect(cheap.length).toBeGreaterThan(0);
    expect(cheap.every((r) => r.product.price.value <= 40000)).toBe(true);
  });

  it('keeps the lookbook varied: at most 3 of a brand, 3 of a subcategory, 6 of a category, no brand+subcategory twice', () => {
    const cat = catalogue();
    // Forty near-identical best-sellers: same brand, subcategory and colour.
    for (let i = 0; i < 40; i++) cat.set(`clone-${i}`, product(`clone-${i}`, 'shoes', 0, { brand: 'Gait', subcategory: 'sneakers' }));
    const s = signals(cat);
    for (let i = 0; i < 40; i++) for (let n = 0; n < 100; n++) s.popularity.add(`clone-${i}`, new Date('2026-11-20T00:00:00Z'));
    const recs = recommend(sneakerAndDenimShopper(cat), cat, s);
    expect(recs).toHaveLength(12);
    const count = (key: (p: CatalogueProduct) => string): number => Math.max(...[...groupCounts(recs.map((r) => key(r.product))).values()]);
    expect(count((p) => p.brand)).toBeLessThanOrEqual(3);
    expect(count((p) => p.subcategory ?? p.category)).toBeLessThanOrEqual(3);
    expect(count((p) => p.category)).toBeLessThanOrEqual(6);
    expect(count((p) => `${p.brand}/${p.subcategory}`)).toBe(1);
    expect(recs.filter((r) => r.product.productId.startsWith('clone-'))).toHaveLength(1);
  });

  it('fills the lookbook past the caps rather than return fewer than k', () => {
    const cat = new Map<string, CatalogueProduct>();
    for (let i = 0; i < 5; i++) cat.set(`s-${i}`, product(`s-${i}`, 'shoes', 0, { brand: 'Gait', subcategory: 'sneakers' }));
    expect(recommendForNewShopper(cat, signals(cat), { k: 5 })).toHaveLength(5);
  });

  it('lifts products that match the campaign theme and says so', () => {
    const cat = catalogue();
    cat.set('knitwear-99', product('knitwear-99', 'knitwear', 1, { tags: ['winter'], title: 'Chunky wool sweater' }));
    const recs = recommend(sneakerAndDenimShopper(cat), cat, signals(cat), { theme: 'winter layers' });
    const themed = recs.find((r) => r.product.productId === 'knitwear-99');
    expect(themed?.why).toContain('fits the "winter layers" theme');
    const plain = recommend(sneakerAndDenimShopper(cat), cat, signals(cat));
    expect(plain.map((r) => r.product.productId)).not.toContain('knitwear-99');
  });

  it('brings in what is bought together with the shopper\'s purchases and explains it', () => {
    const cat = catalogue();
    const s = signals(cat);
    for (let n = 0; n < 20; n++) s.coPurchase.add(['bottoms-06', 'accessories-05']);
    for (let n = 0; n < 20; n++) s.coPurchase.add(['tops-01', 'accessories-07']);
    const recs = recommend(sneakerAndDenimShopper(cat), cat, s);
    const paired = recs.find((r) => r.product.productId === 'accessories-05');
    expect(paired?.why).toContain(`often bought with the ${(cat.get('bottoms-06') as CatalogueProduct).title} you bought`);
    expect(recs.map((r) => r.product.productId)).not.toContain('accessories-07');
  });

  it('is the same with a prepared index as with the raw map, and deterministic', () => {
    const cat = catalogue();
    const p = sneakerAndDenimShopper(cat);
    const a = recommend(p, cat, signals(cat));
    const b = recommend(p, prepareCatalogue(cat), signals(cat));
    expect(b).toEqual(a);
  });
});

function groupCounts(keys: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

describe('composeLooks', () => {
  it('puts complementary categories together, each product in at most one look', () => {
    const cat = catalogue();
    const recs = recommend(sneakerAndDenimShopper(cat), cat, signals(cat), { k: 24 });
    const looks = composeLooks(recs, { looks: 3, itemsPerLook: 4 });
    expect(looks).toHaveLength(3);
    const seen = new Set<string>();
    for (const look of looks) {
      const cats = look.items.map((r) => r.product.category);
      expect(new Set(cats).size).toBe(cats.length);
      expect(look.items.length).toBeGreaterThanOrEqual(2);
      // A dress never shares a look with a top or bottoms.
      if (cats.includes('dresses')) expect(cats.filter((c) => c === 'tops' || c === 'bottoms')).toEqual([]);
      for (const r of look.items) {
        expect(seen.has(r.product.productId)).toBe(false);
        seen.add(r.product.productId);
      }
      expect(look.title.length).toBeGreaterThan(0);
    }
    // The shopper's shoes and bottoms end up in looks with a complement, e.g. a top.
    expect(looks.some((l) => l.items.some((r) => r.product.category === 'bottoms') && l.items.some((r) => r.product.category === 'shoes'))).toBe(true);
  });

  it('does not make a look of a single item', () => {
    const cat = new Map<string, CatalogueProduct>([['s-1', product('s-1', 'shoes', 1)], ['s-2', product('s-2', 'shoes', 2)]]);
    const recs = recommendForNewShopper(cat, signals(cat));
    expect(composeLooks(recs)).toEqual([]);
  });
});
