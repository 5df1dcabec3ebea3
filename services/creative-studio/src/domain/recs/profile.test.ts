import { OrderPlaced, type OrderPlacedEvent } from '@commerce/contracts';
import { RecsDefaults, foldOrder, matchesSegment, ordersLast90d, topCategory, validateSegment, type SegmentRule, type ShopperProfile } from './index.js';

function order(orderId: string, placedAt: string, items: Array<{ id: string; category: string; brand?: string; colour?: string; price?: number }>): OrderPlacedEvent {
  const ex = structuredClone(OrderPlaced.example);
  return {
    ...ex,
    orderId,
    placedAt,
    total: { value: 1, currency: 'SEK' },
    items: items.map((i) => ({
      sku: `${i.id}-x`, productId: i.id, title: i.id, category: i.category, brand: i.brand ?? 'Basico', colour: i.colour ?? 'black',
      unitPrice: { value: i.price ?? 29900, currency: 'SEK' }, quantity: 1,
    })),
  };
}

const HALF_LIFE_DAYS = RecsDefaults.profileHalfLifeMs / 86_400_000;

describe('foldOrder', () => {
  it('folding the same order twice changes nothing', () => {
    const a = order('o-1', '2026-11-01T10:00:00Z', [{ id: 'p-1', category: 'shoes' }]);
    const b = order('o-2', '2026-11-05T10:00:00Z', [{ id: 'p-2', category: 'bottoms' }]);
    const once = foldOrder(foldOrder(undefined, a), b);
    const twice = foldOrder(foldOrder(foldOrder(once, a), b), a);
    expect(twice).toEqual(once);
    expect(twice.orders).toBe(2);
    expect(twice.bought).toEqual(['p-1', 'p-2']);
  });

  it('weighs an order one half-life old half as much as the latest, in whatever order they arrive', () => {
    const old = order('o-1', '2026-01-01T00:00:00Z', [{ id: 'p-1', category: 'outerwear', brand: 'Vass' }]);
    const later = new Date(Date.parse('2026-01-01T00:00:00Z') + RecsDefaults.profileHalfLifeMs).toISOString();
    const recent = order('o-2', later, [{ id: 'p-2', category: 'tops', brand: 'Kora' }]);
    const inOrder = foldOrder(foldOrder(undefined, old), recent);
    const late = foldOrder(foldOrder(undefined, recent), old);
    for (const p of [inOrder, late]) {
      expect(p.categories.tops).toBeCloseTo(1, 9);
      expect(p.categories.outerwear).toBeCloseTo(0.5, 9);
      expect(p.lastOrderAt).toBe(later);
      expect(p.firstOrderAt).toBe('2026-01-01T00:00:00Z');
      expect(topCategory(p)).toBe('tops');
    }
    expect(late.bought).toEqual(['p-1', 'p-2']);
    expect(HALF_LIFE_DAYS).toBe(90);
  });

  it('keeps the profile facts the segments need', () => {
    const p = foldOrder(undefined, order('o-1', '2026-11-01T10:00:00Z', [{ id: 'p-1', category: 'shoes', price: 149900 }]));
    expect(p.shopperId).toBe(OrderPlaced.example.userId);
    expect(p.country).toBe('SE');
    expect(p.firstName).toBe('Alva');
    expect(p.priceBands).toEqual({ premium: 1 });
    expect(p.currency).toBe('SEK');
  });
});

describe('matchesSegment', () => {
  const now = new Date('2026-11-21T00:00:00Z');
  let profile: ShopperProfile;
  beforeAll(() => {
    profile = foldOrder(undefined, order('o-1', '2026-06-01T10:00:00Z', [{ id: 'p-1', category: 'outerwear', colour: 'camel' }]));
    profile = foldOrder(profile, order('o-2', '2026-11-01T10:00:00Z', [{ id: 'p-2', category: 'knitwear', brand: 'Ullvik' }, { id: 'p-3', category: 'knitwear', brand: 'Ullvik' }]));
  });
  const rule = (field: string, op: string, value: string, values?: string[]): SegmentRule => ({ field, op, value, ...(values ? { values } : {}) }) as SegmentRule;

  it('evaluates every rule (AND) on the profile', () => {
    expect(matchesSegment(profile, [rule('topCategory', 'in', '', ['outerwear', 'knitwear'])], now)).toBe(true);
    expect(matchesSegment(profile, [rule('topCategory', 'eq', 'Knitwear'), rule('country', 'eq', 'se')], now)).toBe(true);
    expect(matchesSegment(profile, [rule('topCategory', 'eq', 'knitwear'), rule('country', 'neq', 'SE')], now)).toBe(false);
    expect(matchesSegment(profile, [rule('orders', 'gte', '2'), rule('ordersLast90d', 'lte', '1')], now)).toBe(true);
    expect(matchesSegment(profile, [rule('daysSinceLastOrder', 'lte', '18')], now)).toBe(false);
    expect(matchesSegment(profile, [rule('daysSinceLastOrder', 'gte', '19')], now)).toBe(true);
    expect(matchesSegment(profile, [rule('topBrand', 'eq', 'Ullvik'), rule('colours', 'contains', 'camel')], now)).toBe(true);
    expect(matchesSegment(profile, [rule('priceBand', 'eq', 'budget')], now)).toBe(true);
    expect(matchesSegment(profile, [], now)).toBe(true);
  });

  it('counts orders in the last 90 days from the orders themselves', () => {
    expect(ordersLast90d(profile, now)).toBe(1);
    expect(ordersLast90d(profile, new Date('2026-11-01T11:00:00Z'))).toBe(1);
    expect(ordersLast90d(profile, new Date('2026-06-02T00:00:00Z'))).toBe(1);
  });

  it('rejects an unknown field, naming it and the known fields', () => {
    const bad = [rule('country', 'eq', 'DE'), rule('favouriteColour', 'eq', 'red')];
    // Even when an earlier rule already fails for this shopper.
    expect(() => matchesSegment(profile, bad, now)).toThrow(/unknown field "favouriteColour"; known fields: topCategory, topBrand, topColour, priceBand, country, orders, ordersLast90d/);
    expect(() => validateSegment(bad)).toThrow(/favouriteColour/);
  });

  it('rejects rules that cannot be evaluated: text compared with gte, a non-number for a numeric field', () => {
    expect(() => validateSegment([rule('country', 'gte', 'SE')])).toThrow(/gte needs a numeric field, country is text/);
    expect(() => validateSegment([rule('orders', 'gte', 'many')])).toThrow(/orders is numeric, "many" is not a number/);
    expect(() => validateSegment([rule('topCategory', 'in', '', ['tops'])])).not.toThrow();
  });
});
