/** Shopper profiles, projected from `order-placed`: recency-weighted tastes and what they bought. */
import type { OrderPlacedEvent } from '@commerce/contracts';
import { priceBandOf } from './catalogue.js';
import { RecsDefaults } from './defaults.js';

export interface ShopperProfile {
  shopperId: string;
  /** Shipping country of the latest order. */
  country: string;
  /** Guessed from an email such as `alva.lind@...`; absent when the address gives no clear first name. */
  firstName?: string;
  orders: number;
  firstOrderAt: string;
  lastOrderAt: string;
  /**
   * Affinities: item counts decayed to `lastOrderAt` with `RecsDefaults.profileHalfLifeMs`
   * (an item bought one half-life before the latest order weighs 0.5).
   */
  categories: Record<string, number>;
  brands: Record<string, number>;
  colours: Record<string, number>;
  priceBands: Record<string, number>;
  /** Product ids, most recent last, at most `RecsDefaults.maxBought`. */
  bought: string[];
  /** The latest orders' ids, at most `RecsDefaults.maxOrderIds`: folding one of them again is a no-op. */
  lastOrderIds: string[];
  /** `placedAt` of the orders in `lastOrderIds`, same order; lets `ordersLast90d` count instead of guess. */
  recentOrderAt?: string[];
  /** Currency of the latest order: products priced in it are preferred. */
  currency?: string;
}

function decayFactor(deltaMs: number, halfLifeMs: number): number {
  return Math.pow(0.5, deltaMs / halfLifeMs);
}

function scaled(weights: Record<string, number>, factor: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(weights)) {
    const w = v * factor;
    // Tastes decayed below this are forgotten, which keeps profiles small over years of orders.
    if (w >= 1e-4) out[k] = w;
  }
  return out;
}

function bump(weights: Record<string, number>, key: string, by: number): void {
  weights[key] = (weights[key] ?? 0) + by;
}

/** `alva.lind@x` -> `Alva`; `al1873@x` -> undefined (no separator, digits: not a name). */
export function firstNameFromEmail(email: string): string | undefined {
  const local = email.split('@')[0] ?? '';
  const m = /^([a-z\u00c0-\u024f]{2,})[._-][a-z\u00c0-\u024f]/i.exec(local);
  if (!m) return undefined;
  const name = (m[1] as string).toLowerCase();
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * Folds one order into a profile. Pure: returns a new profile (or the same one when the order
 * was already folded). Recency weighting happens here: when an order is newer than the
 * profile's `lastOrderAt`, the old affinities decay over the gap before the new items are
 * added with weight 1; an order that arrives late (older than `lastOrderAt`) is added already
 * decayed. Either way the affinities equal the sum over items of 0.5^(age / half-life),
 * measured at `lastOrderAt`, whatever order the events came in.
 */
export function foldOrder(profile: ShopperProfile | undefined, order: OrderPlacedEvent, halfLifeMs: number = RecsDefaults.profileHalfLifeMs): ShopperProfile {
  if (profile?.lastOrderIds.includes(order.orderId)) return profile;
  const at = Date.parse(order.placedAt);
  const before = profile ? Date.parse(profile.lastOrderAt) : at;
  const newest = !profile || at >= before;
  const ageFactor = newest ? 1 : decayFactor(before - at, halfLifeMs);
  const carry = newest && profile ? decayFactor(at - before, halfLifeMs) : 1;

  const categories = scaled(profile?.categories ?? {}, carry);
  const brands = scaled(profile?.brands ?? {}, carry);
  const colours = scaled(profile?.colours ?? {}, carry);
  const priceBands = scaled(profile?.priceBands ?? {}, carry);
  for (const item of order.items) {
    bump(categories, item.category, ageFactor);
    bump(brands, item.brand, ageFactor);
    bump(colours, item.colour, ageFactor);
    bump(priceBands, priceBandOf(item.unitPrice.value, item.unitPrice.currency), ageFactor);
  }

  let bought = profile?.bought.slice() ?? [];
  const ids = order.items.map((i) => i.productId);
  if (newest) {
    // Re-bought products move to the end: `bought` is most recent last.
    bought = bought.filter((id) => !ids.includes(id));
    bought.push(...ids.filter((id, i) => ids.indexOf(id) === i));
  } else {
    // A late order's items are older than what is there; only add the ones not already known.
    const known = new Set(bought);
    bought.unshift(...ids.filter((id, i) => ids.indexOf(id) === i && !known.has(id)));
  }
  if (bought.length > RecsDefaults.maxBought) bought = bought.slice(bought.length - RecsDefaults.maxBought);

  const lastOrderIds = [...(profile?.lastOrderIds ?? []), order.orderId];
  const recentOrderAt = [...(profile?.recentOrderAt ?? []), order.placedAt];
  const drop = Math.max(0, lastOrderIds.length - RecsDefaults.maxOrderIds);

  const next: ShopperProfile = {
    shopperId: order.userId,
    country: newest ? order.shippingAddress.country : (profile?.country ?? order.shippingAddress.country),
    orders: (profile?.orders ?? 0) + 1,
    firstOrderAt: profile && Date.parse(profile.firstOrderAt) <= at ? profile.firstOrderAt : order.placedAt,
    lastOrderAt: newest ? order.placedAt : (profile as ShopperProfile).lastOrderAt,
    categories,
    brands,
    colours,
    priceBands,
    bought,
    lastOrderIds: lastOrderIds.slice(drop),
    recentOrderAt: recentOrderAt.slice(Math.max(0, recentOrderAt.length - RecsDefaults.maxOrderIds)),
  };
  const firstName = profile?.firstName ?? firstNameFromEmail(order.customer.email);
  if (firstName !== undefined) next.firstName = firstName;
  const currency = newest ? order.total.currency : (profile?.currency ?? order.total.currency);
  next.currency = currency;
  return next;
}

/** The key with the largest weight; ties go to the alphabetically first key, so the answer is stable. */
export function topOf(weights: Readonly<Record<string, number>>): string | undefined {
  let best: string | undefined;
  let bestW = -Infinity;
  for (const [k, w] of Object.entries(weights)) {
    if (w > bestW || (w === bestW && best !== undefined && k < best)) {
      best = k;
      bestW = w;
    }
  }
  return best;
}

export function topCategory(p: ShopperProfile): string | undefined {
  return topOf(p.categories);
}

/** Each key's share of the total weight, so scores compare across shoppers with many or few orders. */
export function shares(weights: Readonly<Record<string, number>>): Map<string, number> {
  let total = 0;
  for (const w of Object.values(weights)) total += w;
  const out = new Map<string, number>();
  if (total <= 0) return out;
  for (const [k, w] of Object.entries(weights)) out.set(k, w / total);
  return out;
}
