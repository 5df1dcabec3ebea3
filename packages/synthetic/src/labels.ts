/**
 * Ground truth as the business learns it: late, partial and a little wrong. Chargebacks come
 * weeks after the order, BNPL defaults later still, manual reviews within days; some fraud is
 * never reported, a few honest orders are cleared by review, and a very few are disputed by
 * their own buyers ("friendly fraud") and so carry a fraud label despite being honest.
 */
import type { FraudLabelReportedEvent } from '@commerce/contracts';
import { MS, iso } from './clock.js';
import type { Rng } from './rng.js';
import type { FraudulentPattern, SyntheticOrder } from './types.js';

type Source = FraudLabelReportedEvent['source'];

interface Outcome {
  readonly source: Source;
  readonly reason: string;
  /** Multiple of the typical chargeback delay. */
  readonly delayFactor: number;
  readonly weight: number;
}

const UNAUTHORISED = 'cardholder did not authorise (reason code 10.4)';

/** How each pattern tends to surface. */
const FRAUD_OUTCOMES: Readonly<Record<FraudulentPattern, readonly Outcome[]>> = {
  ring: [
    { source: 'merchant_report', reason: 'first-party fraud: goods received, invoice never paid', delayFactor: 2.4, weight: 0.4 },
    { source: 'manual_review', reason: 'linked accounts: shared device and shipping address', delayFactor: 0.25, weight: 0.35 },
    { source: 'chargeback', reason: UNAUTHORISED, delayFactor: 1, weight: 0.25 },
  ],
  mule: [
    { source: 'chargeback', reason: UNAUTHORISED, delayFactor: 1, weight: 0.6 },
    { source: 'chargeback', reason: 'card-absent fraud (reason code 4837)', delayFactor: 1, weight: 0.15 },
    { source: 'manual_review', reason: 'many funding instruments shipping to one address', delayFactor: 0.35, weight: 0.25 },
  ],
  card_testing: [
    { source: 'chargeback', reason: UNAUTHORISED, delayFactor: 0.8, weight: 0.55 },
    { source: 'manual_review', reason: 'card-testing velocity from one device', delayFactor: 0.05, weight: 0.45 },
  ],
  account_takeover: [
    { source: 'customer_report', reason: 'account holder reports account compromised; orders not placed by them', delayFactor: 0.3, weight: 0.6 },
    { source: 'chargeback', reason: UNAUTHORISED, delayFactor: 1, weight: 0.4 },
  ],
};

const CLEARED_REASONS = [
  'cleared after review: identity verified',
  'cleared after review: customer confirmed the order',
  'cleared after review: travelling, confirmed by phone',
  'cleared after review: delivery confirmed by carrier',
] as const;

export interface ResolvedLabelOptions {
  readonly delayDays: number;
  readonly coverage: number;
  readonly legitimateRate: number;
  readonly mislabelRate: number;
  readonly asOfMs?: number;
}

/** Unusual-looking honest orders are the ones that get reviewed. */
const REVIEW_WEIGHT_QUIRKY = 8;
/** Chosen so that, with a few percent of honest orders quirky, the mean weight is about 1. */
const REVIEW_WEIGHT_PLAIN = 0.6;

/**
 * Labels for `orders`. Each order's label is drawn from a stream named by its id, so it does
 * not depend on which other orders are passed, or in what order.
 */
export function labelOrders(rng: Rng, orders: Iterable<SyntheticOrder>, options: ResolvedLabelOptions): FraudLabelReportedEvent[] {
  const labels: { at: number; event: FraudLabelReportedEvent }[] = [];
  for (const { event, truth } of orders) {
    const r = rng.fork(event.orderId);
    const placedAt = Date.parse(event.placedAt);
    let label: 'fraud' | 'legitimate';
    let outcome: Pick<Outcome, 'source' | 'reason' | 'delayFactor'>;
    if (truth.fraud) {
      if (!r.chance(options.coverage)) continue;
      const outcomes = FRAUD_OUTCOMES[truth.pattern];
      outcome = r.weighted(outcomes, outcomes.map((o) => o.weight));
      label = 'fraud';
    } else if (r.chance(options.mislabelRate)) {
      outcome = { source: 'chargeback', reason: UNAUTHORISED, delayFactor: 1 };
      label = 'fraud';
    } else {
      const weight = truth.quirks && truth.quirks.length > 0 ? REVIEW_WEIGHT_QUIRKY : REVIEW_WEIGHT_PLAIN;
      if (!r.chance(Math.min(1, options.legitimateRate * weight))) continue;
      outcome = { source: 'manual_review', reason: r.pick(CLEARED_REASONS), delayFactor: 0.12 };
      label = 'legitimate';
    }
    const delay = Math.max(0.05 * MS.day, r.lognormal(options.delayDays * outcome.delayFactor * MS.day, 0.45));
    // Reports are stamped to the second, as back-office systems do.
    const at = Math.ceil((placedAt + delay) / MS.second) * MS.second;
    if (options.asOfMs !== undefined && at > options.asOfMs) continue;
    labels.push({
      at,
      event: {
        labelId: `l-${event.orderId}`,
        orderId: event.orderId,
        userId: event.userId,
        label,
        source: outcome.source,
        reason: outcome.reason,
        amount: { ...event.total },
        reportedAt: iso(at),
      },
    });
  }
  labels.sort((a, b) => a.at - b.at || (a.event.labelId < b.event.labelId ? -1 : a.event.labelId > b.event.labelId ? 1 : 0));
  return labels.map((l) => l.event);
}
