/** Shared order-building pieces: lines, totals, payment terms. */
import type { Line, PaymentMethod, Product } from './model.js';
import { COLOURS, LETTER_SIZES, ONE_SIZE, type ColourRef } from './reference/fashion.js';
import { PER_EURO, type Currency } from './reference/markets.js';
import type { Rng } from './rng.js';

export function lineTotal(lines: readonly Line[]): number {
  let total = 0;
  for (const l of lines) total += l.product.price * l.quantity;
  return total;
}

/** Minor units of `currency` worth `euros`. */
export function minorOf(euros: number, currency: Currency): number {
  return Math.round(euros * PER_EURO[currency] * 100);
}

/** Instalment plans are offered from about 80 euros; below that "pay later" is the option. */
export function instalmentsAllowed(total: number, currency: Currency): boolean {
  return total >= minorOf(80, currency);
}

/** Longer plans for dearer baskets. */
export function instalmentCount(total: number, currency: Currency, rng: Rng): number {
  const euros = total / 100 / PER_EURO[currency];
  if (euros < 200) return rng.weighted([3, 6], [0.8, 0.2]);
  if (euros < 600) return rng.weighted([3, 6, 12], [0.4, 0.4, 0.2]);
  return rng.weighted([6, 12, 24, 36], [0.25, 0.4, 0.25, 0.1]);
}

/** A colour the product comes in: the shopper's favourite when it has one, else any. */
export function colourFor(product: Product, favourites: ReadonlySet<string> | undefined, rng: Rng): ColourRef {
  if (favourites && rng.chance(0.85)) {
    const liked = product.colours.filter((c) => favourites.has(c.name));
    if (liked.length > 0) return rng.pick(liked);
  }
  return product.colours.length > 0 ? rng.pick(product.colours) : (COLOURS[0] as ColourRef);
}

/** The shopper's own size when the product has it, else the nearest one it has. */
export function sizeFor(product: Product, apparel: string, shoe: string): string {
  const sizes = product.sizes;
  if (sizes.length === 0) return ONE_SIZE;
  if (sizes.length === 1) return sizes[0] as string;
  const wanted = product.sizes.includes(apparel) ? apparel : product.sizes.includes(shoe) ? shoe : undefined;
  if (wanted !== undefined) return wanted;
  const rank = (s: string): number => {
    const letter = (LETTER_SIZES as readonly string[]).indexOf(s);
    return letter >= 0 ? letter : Number(s);
  };
  const target = (LETTER_SIZES as readonly string[]).includes(sizes[0] as string) ? rank(apparel) : Number(shoe);
  return sizes.reduce((best, s) => (Math.abs(rank(s) - target) < Math.abs(rank(best) - target) ? s : best));
}

export function makeLine(product: Product, colour: ColourRef, size: string, quantity: number): Line {
  return { product, colour, size, quantity };
}

export const PAYMENT_METHODS: readonly PaymentMethod[] = ['card', 'pay_later', 'instalments', 'bank_transfer'];
