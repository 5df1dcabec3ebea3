import { createWorld, type SyntheticOrder } from '@commerce/synthetic';
import { EntityGraph, FEATURES, OrderRelations } from '../domain/gnn/features.js';
import { sampleOrder } from '../domain/gnn/sampler.js';
import { ORDER_LAYOUT } from '../domain/gnn/model.js';
import type { GenericEdge, GenericNode, Split } from '../domain/gnn/generic-graph.js';
import type { Dataset, LabelledExample } from './dataset.js';
import { writeGenericData } from './generic-format.js';
import type { OrderLabels } from './labels.js';

export const SYNTHETIC_DEFAULTS = {
  seed: 42,
  /**
   * Sized so that, split by time, every fraud pattern appears in both the training and the test
   * window (campaigns come in bursts: with 6,000 orders card testing never reaches training).
   */
  shoppers: 1200,
  fraudShare: 0.06,
  orders: 10000,
  /** Simulated orders per second: 10,000 orders span ~2.3 days. */
  ratePerSecond: 0.05,
  fanout: 8,
  /** Time split: the first 60% of orders train, the next 20% validate, the last 20% test. */
  trainShare: 0.6,
  validShare: 0.2,
} as const;
export type SyntheticOptions = { -readonly [K in keyof typeof SYNTHETIC_DEFAULTS]: number };

export function generateOrders(options: Partial<SyntheticOptions> = {}): SyntheticOrder[] {
  const o = { ...SYNTHETIC_DEFAULTS, ...options };
  return [...createWorld({ seed: o.seed, shoppers: o.shoppers, fraudShare: o.fraudShare }).orders({ count: o.orders, ratePerSecond: o.ratePerSecond })];
}

/** Split by time: orders are in `placedAt` order, so position is time. */
export function timeSplit(index: number, count: number, options: Partial<SyntheticOptions> = {}): Split {
  const { trainShare, validShare } = { ...SYNTHETIC_DEFAULTS, ...options };
  return index < count * trainShare ? 'train' : index < count * (trainShare + validShare) ? 'valid' : 'test';
}

/**
 * The generator's stream as the live scorer sees it: each order is folded into the entity graph,
 * then its neighbourhood frozen at that instant (no look-ahead). Labels are the generator's truth,
 * or, with `labels`, the reported labels (orders without one count as legitimate). The pattern is
 * always the truth's, for per-pattern reporting.
 */
export function syntheticDataset(options: Partial<SyntheticOptions> = {}, labels?: OrderLabels): Dataset {
  const o = { ...SYNTHETIC_DEFAULTS, ...options };
  const orders = generateOrders(o);
  const graph = new EntityGraph();
  const examples: LabelledExample[] = orders.map((order, i) => {
    graph.ingest(order.event);
    const truth: 0 | 1 = order.truth.fraud ? 1 : 0;
    const reported = labels?.get(order.event.orderId);
    const label: 0 | 1 = labels ? (reported === 'fraud' ? 1 : 0) : truth;
    return {
      id: order.event.orderId,
      subgraph: sampleOrder(graph, order.event.orderId, { fanout: o.fanout }),
      label,
      split: timeSplit(i, orders.length, o),
      pattern: order.truth.pattern,
      ...(!order.truth.fraud && order.truth.quirks?.length ? { quirks: order.truth.quirks } : {}),
      atMs: Date.parse(order.event.placedAt),
    };
  });
  return {
    name: `synthetic seed ${o.seed}`,
    kind: 'synthetic',
    layout: ORDER_LAYOUT,
    hop1Fanout: 1,
    fanout: o.fanout,
    examples,
    window: { from: orders[0]!.event.placedAt, to: orders.at(-1)!.event.placedAt },
    facts: {
      source: '@commerce/synthetic',
      seed: o.seed,
      shoppers: o.shoppers,
      'fraud share': o.fraudShare,
      orders: orders.length,
      'graph nodes': graph.nodeCount,
      split: `by time: first ${o.trainShare * 100}% train, next ${o.validShare * 100}% valid, rest test`,
      labels: labels ? `reported labels (${labels.size}); unlabelled orders count as legitimate` : "generator's ground truth",
    },
  };
}

/**
 * Writes the generator's world in the generic format: one node per order (label, time split,
 * pattern, the order's own 32 features at arrival) and per entity (unlabelled, features as of the
 * end of the stream), and an `order -> entity` edge per relation. Analysts get a worked example;
 * tests round-trip through it.
 */
export async function exportSynthetic(dir: string, options: Partial<SyntheticOptions> = {}): Promise<{ nodes: number; edges: number }> {
  const o = { ...SYNTHETIC_DEFAULTS, ...options };
  const orders = generateOrders(o);
  const graph = new EntityGraph();
  for (const order of orders) graph.ingest(order.event);
  const endMs = Date.parse(orders.at(-1)!.event.placedAt);
  const nodes: GenericNode[] = [];
  const edges: GenericEdge[] = [];
  const entities = new Set<string>();
  orders.forEach((order, i) => {
    const id = order.event.orderId;
    const key = `order:${id}`;
    nodes.push({ id: key, label: order.truth.fraud ? 1 : 0, split: timeSplit(i, orders.length, o), nodeType: 'order', pattern: order.truth.pattern, features: graph.features(key, endMs) });
    const links = graph.orderLinks(id)!;
    for (const r of OrderRelations) {
      edges.push({ src: key, dst: links[r], relation: r });
      entities.add(links[r]);
    }
  });
  for (const key of entities) nodes.push({ id: key, label: undefined, split: undefined, nodeType: key.slice(0, key.indexOf(':')), features: graph.features(key, endMs) });
  await writeGenericData(dir, { nodes, edges, featureNames: [...FEATURES] });
  return { nodes: nodes.length, edges: edges.length };
}
