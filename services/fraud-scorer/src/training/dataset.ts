import type { Subgraph } from '../domain/gnn/sampler.js';
import type { GraphLayout } from '../domain/gnn/model.js';
import type { Split } from '../domain/gnn/generic-graph.js';

/** One labelled target (an order, a transaction node) with its sampled neighbourhood. */
export interface LabelledExample {
  readonly id: string;
  readonly subgraph: Subgraph;
  readonly label: 0 | 1;
  readonly split: Split;
  /** Segment for per-pattern reporting (the generator's fraud pattern, or a dataset's `pattern` column). */
  readonly pattern?: string;
  /** For legitimate examples: why they might look suspicious (the generator's honest quirks: travel, gift, ...). */
  readonly quirks?: readonly string[];
  /** Event time in ms, when the dataset has one. */
  readonly atMs?: number;
}

/**
 * What `train` and `evaluate` work on, whatever the source: the order-event graph over the
 * generator's stream, or any graph in the generic CSV format. The model reads only `Subgraph`s.
 */
export interface Dataset {
  readonly name: string;
  readonly kind: 'synthetic' | 'generic';
  readonly layout: GraphLayout;
  readonly hop1Fanout: number;
  readonly fanout: number;
  readonly examples: readonly LabelledExample[];
  /** The data window the model saw: first and last event time (ISO), when known. */
  readonly window?: { readonly from: string; readonly to: string };
  /** Free-form facts for the report (node/edge counts, seeds, split rule). */
  readonly facts: Readonly<Record<string, string | number>>;
}

export function bySplit(ds: Dataset, split: Split): LabelledExample[] {
  return ds.examples.filter((e) => e.split === split);
}

/** A target's own raw features: row `self` of its subgraph. This is all a feature-only model sees. */
export function ownFeatures(e: LabelledExample): Float32Array {
  const dim = e.subgraph.dim ?? e.subgraph.rows.length / e.subgraph.nodeKeys.length;
  return e.subgraph.rows.slice(e.subgraph.self * dim, (e.subgraph.self + 1) * dim);
}

export function splitCounts(ds: Dataset): Record<Split, { total: number; fraud: number }> {
  const out = { train: { total: 0, fraud: 0 }, valid: { total: 0, fraud: 0 }, test: { total: 0, fraud: 0 } };
  for (const e of ds.examples) {
    out[e.split].total += 1;
    out[e.split].fraud += e.label;
  }
  return out;
}
