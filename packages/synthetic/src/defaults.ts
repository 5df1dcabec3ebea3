/** Every default of the package, in one place. */

export const DEFAULTS = {
  /** Honest shoppers in the population; large enough that most see only a handful of orders. */
  shoppers: 5_000,
  /** Merchants; fewer than the markets leaves some markets served only cross-border. */
  merchants: 40,
  /** Catalogue size across all merchants. */
  products: 600,
  /** The simulated clock starts here; nothing ever reads the wall clock. */
  start: '2026-11-01T00:00:00.000Z',
  /** Share of orders that are fraudulent: a few percent, as in BNPL fashion checkouts under attack. */
  fraudShare: 0.03,
  /**
   * Share of fraud orders per pattern. Rings dominate BNPL losses (synthetic identities that
   * never pay); card testing is noisy but cheap per order.
   */
  fraudMix: { ring: 0.35, card_testing: 0.25, mule: 0.2, account_takeover: 0.2 },
  /**
   * Mean orders per second of simulated time: about 4,300 a day, so 100,000 orders cover
   * roughly three weeks, long enough for label delays and repeat purchases to matter.
   */
  ratePerSecond: 0.05,
  /** Arrivals follow a day/night curve (quiet at 04:00, busy in the evening). */
  diurnal: true,
  /** Typical (median) days from an order to its chargeback. Manual reviews come sooner, BNPL defaults later. */
  labelDelayDays: 14,
  /** Share of fraud orders that are ever labelled; the rest go unnoticed. */
  labelCoverage: 0.7,
  /** Share of honest orders a manual review clears with a 'legitimate' label (drawn mostly from odd-looking ones). */
  legitimateLabelRate: 0.005,
  /** Share of honest orders wrongly labelled fraud ("friendly fraud" chargebacks): label noise. */
  mislabelRate: 0.0005,
} as const;

/** Largest fraud share accepted: beyond it "honest traffic" stops being the norm. */
export const MAX_FRAUD_SHARE = 0.5;
