import type { OrderPlacedEvent } from '@commerce/contracts';

/** One reason behind a score, most important first. */
export interface ScoreReason {
  readonly kind: 'feature' | 'entity';
  readonly code: string;
  readonly description: string;
  readonly weight: number;
  readonly entityType?: 'user' | 'order' | 'device' | 'card' | 'ip' | 'address' | 'email' | 'merchant';
  readonly entityId?: string;
}

/** The entities and relations around an order that made it suspicious. */
export interface Neighbourhood {
  readonly entities: ReadonlyArray<{ type: NonNullable<ScoreReason['entityType']>; id: string; role?: string; confirmedFraud?: boolean }>;
  readonly edges: ReadonlyArray<{ from: string; to: string; relation: string }>;
  readonly pattern: 'ring' | 'mule' | 'card_testing' | 'account_takeover' | 'unknown';
}

export interface Score {
  readonly score: number;
  readonly reasons: readonly ScoreReason[];
  readonly neighbourhood: Neighbourhood;
  /** The version that produced this score, when it can change while running (hot reload). */
  readonly modelVersion?: string;
  /** The thresholds that go with that version; configured thresholds override them. */
  readonly thresholds?: { readonly review: number; readonly decline: number; readonly alert: number };
  /** Nothing was known about the shopper before this order. */
  readonly coldStart?: boolean;
  /** The engine that computed this score, when it can differ from the scorer's (a hot-swapped model). */
  readonly backend?: string;
  /** A candidate model's score of the same order, for comparison only. */
  readonly shadow?: { readonly modelVersion: string; readonly score: number; readonly thresholds: { readonly review: number; readonly decline: number } };
}

/**
 * A fraud model: folds each order into its state (idempotently, by order id) and scores it.
 * The rules baseline implements it today; the graph neural network implements it next.
 */
export interface Scorer {
  readonly version: string;
  /** Compute backend, recorded in every score (rules, wasm, cpu, tensorflow, tensorflow-gpu). */
  readonly backend: string;
  score(order: OrderPlacedEvent): Promise<Score>;
  /** Resolves when what scoring changed is durable (after the score is published, before the ack). */
  settle?(order: OrderPlacedEvent): Promise<void>;
}
