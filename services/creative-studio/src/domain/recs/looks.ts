/** Looks: recommendations put together into outfits of complementary categories. */
import type { Recommendation } from './recommend.js';

/**
 * What goes with what, strongest first. The same styling rules as the synthetic catalogue's
 * reference data (packages/synthetic/src/reference/fashion.ts), kept here because they are
 * product knowledge the service owns, not something to import from a test-data generator.
 */
export const COMPLEMENTS: Readonly<Record<string, readonly string[]>> = {
  tops: ['bottoms', 'outerwear', 'accessories', 'knitwear', 'shoes', 'bags'],
  bottoms: ['tops', 'shoes', 'knitwear', 'accessories', 'outerwear', 'bags'],
  dresses: ['shoes', 'bags', 'accessories', 'outerwear'],
  outerwear: ['knitwear', 'accessories', 'bottoms', 'shoes', 'tops', 'dresses', 'bags'],
  knitwear: ['bottoms', 'outerwear', 'accessories', 'tops', 'shoes'],
  shoes: ['bottoms', 'dresses', 'bags', 'accessories', 'tops'],
  accessories: ['tops', 'outerwear', 'bags', 'knitwear', 'dresses', 'bottoms', 'shoes'],
  bags: ['shoes', 'accessories', 'dresses', 'outerwear', 'tops', 'bottoms'],
};

/** Categories that cannot share a look: a dress is the whole outfit's top and bottom. */
const CLASHES: ReadonlyArray<readonly [string, string]> = [['dresses', 'tops'], ['dresses', 'bottoms'], ['dresses', 'knitwear']];

/** A look starts from a garment; shoes, bags and accessories finish a look rather than start one. */
const ANCHORS: ReadonlySet<string> = new Set(['dresses', 'tops', 'bottoms', 'outerwear', 'knitwear']);

export interface Look {
  title: string;
  items: Recommendation[];
}

function clashes(a: string, b: string): boolean {
  return CLASHES.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
}

/** How well `category` completes a look holding `present`: best complement rank among them, 0 if none (unknown categories pair with anything). */
function fit(category: string, present: readonly string[]): number {
  let best = 0;
  for (const c of present) {
    if (c === category || clashes(c, category)) return 0;
    const list = COMPLEMENTS[c];
    if (!list || !COMPLEMENTS[category]) {
      best = Math.max(best, 0.5);
      continue;
    }
    const rank = list.indexOf(category);
    if (rank >= 0) best = Math.max(best, 1 - rank / (list.length + 1));
  }
  return best;
}

function titleOf(items: readonly Recommendation[]): string {
  const colourCount = new Map<string, number>();
  for (const r of items) for (const c of new Set(r.product.colours)) colourCount.set(c, (colourCount.get(c) ?? 0) + 1);
  const shared = [...colourCount.entries()].filter(([, n]) => n === items.length && items.length > 1).map(([c]) => c).sort();
  const anchor = items[0] as Recommendation;
  const noun = (anchor.product.subcategory ?? anchor.product.category).replace(/-/g, ' ');
  if (shared.length > 0) return `All in ${shared[0]}`;
  return `Built around the ${anchor.product.title.toLowerCase() || noun}`;
}

/**
 * Puts recommendations together into looks: each starts from the best unused garment, then
 * adds the best-scored unused item of a category that complements what the look already
 * holds (never a second item of a category, never a dress with a top or bottoms), until it has
 * `itemsPerLook` items. A product is in at most one look; a look needs at least two items.
 */
export function composeLooks(recs: readonly Recommendation[], opts: { looks?: number; itemsPerLook?: number } = {}): Look[] {
  const wanted = opts.looks ?? 3;
  const perLook = Math.max(2, opts.itemsPerLook ?? 4);
  const pool = recs.slice();
  const used = new Set<string>();
  const looks: Look[] = [];
  while (looks.length < wanted) {
    const free = pool.filter((r) => !used.has(r.product.productId));
    const anchor = free.find((r) => ANCHORS.has(r.product.category)) ?? free[0];
    if (!anchor) break;
    const items = [anchor];
    const taken = new Set([anchor.product.productId]);
    while (items.length < perLook) {
      const present = items.map((r) => r.product.category);
      let best: Recommendation | undefined;
      let bestValue = 0;
      for (const r of free) {
        if (taken.has(r.product.productId)) continue;
        const f = fit(r.product.category, present);
        if (f <= 0) continue;
        // Score carries the shopper's taste, fit the styling; both must be there.
        const value = (0.25 + r.score) * (0.5 + f);
        if (value > bestValue) {
          bestValue = value;
          best = r;
        }
      }
      if (!best) break;
      items.push(best);
      taken.add(best.product.productId);
    }
    if (items.length < 2) {
      // Nothing complements this anchor; leave it out of looks and try the next one.
      used.add(anchor.product.productId);
      continue;
    }
    for (const id of taken) used.add(id);
    looks.push({ title: titleOf(items), items });
  }
  return looks;
}
