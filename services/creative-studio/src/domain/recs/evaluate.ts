/**
 * Offline evaluation on a purchase log, as in the H&M Personalized Fashion Recommendations
 * competition: train on everything before a cut-off, recommend 12 items per user, score them
 * against what each user bought in the held-out period.
 *
 * Held-out period: the LAST `holdoutDays` (default 7) DAYS OF THE LOG, the same cut-off for
 * every user (not each user's own last purchase day). One global cut-off means no signal from
 * the future leaks into training: with per-user last days, user A's test week would be in the
 * training data of user B, and popularity and co-purchase would learn what A is about to buy.
 * It is also how the service runs: it learns from everything up to now and recommends for the
 * coming days. Seven days is a campaign's life and the competition's test window.
 */
import type { OrderPlacedEvent } from '@commerce/contracts';
import { DAY } from './defaults.js';
import type { InteractionLog } from './interactions.js';
import { recommendItems, type RecsSignals } from './recommend.js';
import { CoPurchaseIndex, Popularity } from './signals.js';

/** Pairs across a user's baskets this many days apart at most count, at `crossBasketWeight`. */
export const CROSS_BASKET_DAYS = 14;
/** A pair across two baskets is weaker evidence of "goes with" than a pair inside one basket. */
export const CROSS_BASKET_WEIGHT = 0.25;

/**
 * AP@k as in the H&M competition: sum over ranks i <= k of precision@i at each hit, divided
 * by min(|relevant|, k). Duplicated recommendations count once (the first time).
 */
export function averagePrecisionAt(recs: readonly string[], relevant: ReadonlySet<string>, k = 12): number {
  if (relevant.size === 0) return 0;
  let hits = 0;
  let sum = 0;
  const seen = new Set<string>();
  for (let i = 0; i < Math.min(k, recs.length); i++) {
    const r = recs[i] as string;
    if (seen.has(r)) continue;
    seen.add(r);
    if (relevant.has(r)) {
      hits++;
      sum += hits / (i + 1);
    }
  }
  return sum / Math.min(relevant.size, k);
}

/** Share of the relevant items found in the top k: |top-k ∩ relevant| / |relevant|. */
export function recallAt(recs: readonly string[], relevant: ReadonlySet<string>, k = 12): number {
  if (relevant.size === 0) return 0;
  const top = new Set(recs.slice(0, k));
  let hits = 0;
  for (const r of top) if (relevant.has(r)) hits++;
  return hits / relevant.size;
}

/** Learns what the service learns from one order: the basket for co-purchase, each item for popularity. */
export function observeOrder(signals: RecsSignals, order: Pick<OrderPlacedEvent, 'placedAt' | 'items'>): void {
  const ids = order.items.map((i) => i.productId);
  signals.coPurchase.add(ids);
  const at = new Date(order.placedAt);
  for (const id of new Set(ids)) signals.popularity.add(id, at);
}

export interface Split {
  /** First and last purchase of the log, epoch ms. */
  startMs: number;
  endMs: number;
  /** Purchases at or before this instant train; later ones are held out. */
  cutoffMs: number;
  holdoutDays: number;
}

export function splitOf(log: InteractionLog, holdoutDays = 7): Split {
  if (log.length === 0) throw new Error('the purchase log has no rows');
  const t = log.timeCol;
  let startMs = Infinity;
  let endMs = -Infinity;
  for (const x of t) {
    if (x < startMs) startMs = x;
    if (x > endMs) endMs = x;
  }
  const cutoffMs = endMs - holdoutDays * DAY;
  if (cutoffMs <= startMs) {
    const days = ((endMs - startMs) / DAY).toFixed(1);
    throw new Error(`the purchase log spans ${days} days; holding out the last ${holdoutDays} needs a longer log (at least twice that is sensible)`);
  }
  return { startMs, endMs, cutoffMs, holdoutDays };
}

export interface Trained {
  signals: RecsSignals;
  /** Per user index: distinct item indexes bought before the cut-off, most recent last. */
  histories: Map<number, number[]>;
  /** Per user index: distinct item indexes bought after the cut-off. */
  heldOut: Map<number, Set<number>>;
}

/** Row indexes of the log in (user, time, item) order, for grouping purchases into baskets. */
function byUserTime(log: InteractionLog): Uint32Array {
  const u = log.userCol;
  const t = log.timeCol;
  const it = log.itemCol;
  const order = new Uint32Array(log.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => (u[a] as number) - (u[b] as number) || (t[a] as number) - (t[b] as number) || (it[a] as number) - (it[b] as number));
  return order;
}

/**
 * Trains the signals on the purchases before the cut-off. A basket is one user's purchases on
 * one (UTC) day, since logs such as H&M's carry dates only; consecutive baskets of a user at
 * most `CROSS_BASKET_DAYS` apart are paired too, at `CROSS_BASKET_WEIGHT`.
 */
export function train(log: InteractionLog, split: Split, onRow?: () => void): Trained {
  const coPurchase = new CoPurchaseIndex();
  const popularity = new Popularity();
  const histories = new Map<number, number[]>();
  const heldOut = new Map<number, Set<number>>();
  const u = log.userCol;
  const it = log.itemCol;
  const t = log.timeCol;
  const items = log.items;
  const order = byUserTime(log);

  let user = -1;
  let day = -1;
  let basket: number[] = [];
  let previous: { day: number; items: number[] } | undefined;
  let history: number[] = [];
  const flush = (): void => {
    if (basket.length === 0) return;
    coPurchase.add(basket.map((i) => items[i] as string));
    if (previous && day - previous.day <= CROSS_BASKET_DAYS) {
      for (const a of basket) for (const b of previous.items) if (a !== b) coPurchase.addPair(items[a] as string, items[b] as string, CROSS_BASKET_WEIGHT);
    }
    previous = { day, items: basket };
    basket = [];
  };
  const endUser = (): void => {
    flush();
    if (user >= 0 && history.length > 0) {
      // Distinct, most recent last: a re-bought item moves to its latest purchase.
      const seen = new Set<number>();
      const distinct: number[] = [];
      for (let i = history.length - 1; i >= 0; i--) {
        const x = history[i] as number;
        if (!seen.has(x)) {
          seen.add(x);
          distinct.push(x);
        }
      }
      histories.set(user, distinct.reverse());
    }
    history = [];
    previous = undefined;
  };
  for (const row of order) {
    onRow?.();
    const ru = u[row] as number;
    const ri = it[row] as number;
    const rt = t[row] as number;
    if (ru !== user) {
      endUser();
      user = ru;
      day = -1;
    }
    if (rt > split.cutoffMs) {
      let s = heldOut.get(ru);
      if (!s) heldOut.set(ru, (s = new Set()));
      s.add(ri);
      continue;
    }
    const d = Math.floor(rt / DAY);
    if (d !== day) {
      flush();
      day = d;
    }
    if (!basket.includes(ri)) basket.push(ri);
    history.push(ri);
    popularity.add(items[ri] as string, new Date(rt));
  }
  endUser();
  return { signals: { coPurchase, popularity }, histories, heldOut };
}

export interface Scores {
  map12: number;
  recall12: number;
}

export interface EvalResult {
  users: number;
  /** Of `users`, those with purchases before the cut-off (the rest get popularity from every model). */
  usersWithHistory: number;
  items: number;
  rows: number;
  split: Split;
  hybrid: Scores;
  popularity: Scores;
  /** The same two metrics over users with history only, where the models can differ. */
  hybridWithHistory: Scores;
  popularityWithHistory: Scores;
}

/** Accumulates AP@12 and recall@12 over users. */
export class MetricSum {
  #ap = 0;
  #recall = 0;
  #n = 0;
  add(recs: readonly string[], relevant: ReadonlySet<string>): void {
    this.#ap += averagePrecisionAt(recs, relevant, 12);
    this.#recall += recallAt(recs, relevant, 12);
    this.#n++;
  }
  get count(): number {
    return this.#n;
  }
  scores(): Scores {
    return { map12: this.#n ? this.#ap / this.#n : 0, recall12: this.#n ? this.#recall / this.#n : 0 };
  }
}

/**
 * Evaluates a recommender on the held-out users against the popularity baseline (the 12 most
 * popular items before the cut-off, the same for everyone). `recommendFor` gets the user's
 * training history (item ids, most recent last); by default it is the items-only hybrid.
 */
export function evaluate(
  log: InteractionLog,
  trained: Trained,
  split: Split,
  recommendFor: (user: string, history: readonly string[]) => readonly string[] = defaultRecommender(trained.signals),
  onUser?: () => void,
): EvalResult {
  const popTop = trained.signals.popularity.top(12);
  const hybrid = new MetricSum();
  const pop = new MetricSum();
  const hybridH = new MetricSum();
  const popH = new MetricSum();
  // Users in index order: the order of the log's first appearance, deterministic for a given file.
  const users = [...trained.heldOut.keys()].sort((a, b) => a - b);
  for (const user of users) {
    const relevant = new Set([...(trained.heldOut.get(user) as Set<number>)].map((i) => log.items[i] as string));
    const history = (trained.histories.get(user) ?? []).map((i) => log.items[i] as string);
    const recs = recommendFor(log.users[user] as string, history);
    hybrid.add(recs, relevant);
    pop.add(popTop, relevant);
    if (history.length > 0) {
      hybridH.add(recs, relevant);
      popH.add(popTop, relevant);
    }
    onUser?.();
  }
  return {
    users: hybrid.count,
    usersWithHistory: hybridH.count,
    items: log.items.length,
    rows: log.length,
    split,
    hybrid: hybrid.scores(),
    popularity: pop.scores(),
    hybridWithHistory: hybridH.scores(),
    popularityWithHistory: popH.scores(),
  };
}

export function defaultRecommender(signals: RecsSignals): (user: string, history: readonly string[]) => string[] {
  // The popular candidates are the same for every user: compute them once, not per user.
  const popular = signals.popularity.top(96);
  return (_user, history) => recommendItems(history, signals, { k: 12, popularCandidates: popular }).map((s) => s.productId);
}
