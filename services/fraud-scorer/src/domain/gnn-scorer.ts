import type { OrderPlacedEvent } from '@commerce/contracts';
import { FEATURES, OrderRelations, type EntityGraph, type NodeType } from './gnn/features.js';
import type { LoadedModel, Thresholds } from './gnn/registry.js';
import { sampleOrder, type Subgraph } from './gnn/sampler.js';
import type { GraphStore } from './graph-store/graph-store.js';
import type { LabelBook } from './labels.js';
import { MicroBatcher, type MicroBatcherOptions } from './micro-batcher.js';
import type { Neighbourhood, Score, ScoreReason, Scorer } from './scorer.js';

/** What `backend` says when the fused engine computed a score. */
export const FUSED_BACKEND = 'fused-cpu';

export const GNN_SCORER_DEFAULTS = {
  /** An entity or feature counts as a reason when removing it lowers the score by at least this. */
  minReasonDelta: 0.01,
  /** Users listed per shared entity in an alert's ring. */
  ringUsersPerEntity: 10,
  /** Scores kept for redeliveries (a redelivered order gets the very same score). */
  rememberedScores: 200_000,
} as const;

export interface GnnScorerOptions extends MicroBatcherOptions {
  /**
   * Orders scoring at least this are explained by occlusion (the model re-run without each entity
   * and telling feature). Default: the live model's review threshold, so every order that is not
   * simply approved says why.
   */
  readonly explainAbove?: number;
  readonly minReasonDelta?: number;
}

const F = Object.fromEntries(FEATURES.map((name, i) => [name, i])) as Record<(typeof FEATURES)[number], number>;
const DIM = FEATURES.length;

/**
 * Order features tried one by one when explaining a score, each set to an unremarkable value.
 * Entities are explained separately, by removing the whole first-hop neighbour.
 */
const FEATURE_PROBES: ReadonlyArray<{ feature: (typeof FEATURES)[number]; neutral: number; code: string }> = [
  { feature: 'card_country_mismatch', neutral: 0, code: 'card_country_mismatch' },
  { feature: 'new_device_for_user', neutral: 0, code: 'new_device' },
  { feature: 'new_address_for_user', neutral: 0, code: 'new_address' },
  { feature: 'first_order_of_user', neutral: 0, code: 'first_order' },
  { feature: 'log_amount_vs_user_mean', neutral: 0, code: 'amount_vs_history' },
  { feature: 'log_orders_1h', neutral: 0, code: 'order_velocity_1h' },
  { feature: 'log_orders_24h', neutral: 0, code: 'order_velocity_24h' },
  { feature: 'log_account_age_days', neutral: Math.log1p(365), code: 'new_account' },
  { feature: 'log_distinct_cards', neutral: Math.log1p(1), code: 'cards_per_user' },
  { feature: 'log_distinct_devices', neutral: Math.log1p(1), code: 'devices_per_user' },
  { feature: 'log_distinct_addresses', neutral: Math.log1p(1), code: 'addresses_per_user' },
  { feature: 'log_amount_eur', neutral: Math.log1p(60), code: 'amount' },
];

interface BatchItem {
  readonly subgraph: Subgraph;
}
interface BatchResult {
  readonly probability: number;
  readonly modelVersion: string;
  readonly backend: string;
  readonly thresholds: Thresholds;
  readonly shadow?: { readonly probability: number; readonly modelVersion: string; readonly thresholds: Thresholds };
}

/** Agreement between the live model and a shadow candidate, over the orders both scored. */
export interface ShadowStats {
  readonly modelVersion: string;
  readonly orders: number;
  readonly decisionAgreement: number;
  readonly meanAbsDifference: number;
  readonly liveFlagged: number;
  readonly shadowFlagged: number;
}

/**
 * The graph neural network behind the `Scorer` interface: folds each order into the entity
 * graph, samples its 2-hop neighbourhood, and scores it in micro-batches with the live model
 * (and, when one is loaded, a shadow candidate whose scores are only compared, never published).
 * Models are swapped between batches, so every order is scored by exactly one live version.
 */
export class GnnScorer implements Scorer {
  private live: LoadedModel;
  private shadow: LoadedModel | undefined;
  private pendingLive: LoadedModel | undefined;
  private pendingShadow: LoadedModel | null | undefined;
  private readonly batcher: MicroBatcher<BatchItem, BatchResult>;
  private readonly scored = new Map<string, Score>();
  private readonly explainAbove: number | undefined;
  private readonly minDelta: number;
  private shadowAcc = { orders: 0, agree: 0, absDiff: 0, liveFlagged: 0, shadowFlagged: 0 };
  private coldStarts = 0;
  /** Milliseconds spent per phase, summed over orders: where a score's latency goes. */
  private readonly phaseMs = { graph: 0, model: 0, explain: 0, commit: 0, orders: 0 };

  constructor(
    private readonly deps: { graph: EntityGraph; store: GraphStore; labels: LabelBook; backend: string; model: LoadedModel },
    options: GnnScorerOptions = {},
  ) {
    this.live = deps.model;
    this.explainAbove = options.explainAbove;
    this.minDelta = options.minReasonDelta ?? GNN_SCORER_DEFAULTS.minReasonDelta;
    this.batcher = new MicroBatcher((items) => this.runBatch(items), options);
  }

  /** The version in force: the one the next batch uses (a promoted model counts from the moment it is promoted). */
  get version(): string {
    return (this.pendingLive ?? this.live).modelVersion;
  }
  /** The TF.js backend, or `fused-cpu` when the model in force runs as plain loops (see gnn/fused.ts). */
  get backend(): string {
    return this.backendOf(this.pendingLive ?? this.live);
  }

  private backendOf(model: LoadedModel): string {
    return model.fused ? FUSED_BACKEND : this.deps.backend;
  }
  get thresholds(): Thresholds {
    return (this.pendingLive ?? this.live).thresholds;
  }

  /** Whether `version` (a bare version or `name@version`) is live or about to be. */
  knows(version: string): boolean {
    return [this.live, this.pendingLive].some((m) => m && (m.version === version || m.modelVersion === version));
  }

  /** The shopper who placed an order the graph knows. */
  userOf(orderId: string): string | undefined {
    return this.deps.graph.orderLinks(orderId)?.user.slice('user:'.length);
  }

  /** Makes `model` live from the next batch on; the previous one is disposed once no batch uses it. */
  promote(model: LoadedModel): void {
    if (this.pendingLive && this.pendingLive !== model) this.pendingLive.model.dispose();
    this.pendingLive = model;
  }

  /** Scores every following batch with `model` too, for comparison only; `null` stops shadowing. */
  setShadow(model: LoadedModel | null): void {
    if (this.pendingShadow) this.pendingShadow.model.dispose();
    this.pendingShadow = model;
  }

  shadowStats(): ShadowStats | undefined {
    const s = this.shadow ?? this.pendingShadow;
    if (!s) return undefined;
    const a = this.shadowAcc;
    return {
      modelVersion: s.modelVersion,
      orders: a.orders,
      decisionAgreement: a.orders === 0 ? 1 : a.agree / a.orders,
      meanAbsDifference: a.orders === 0 ? 0 : a.absDiff / a.orders,
      liveFlagged: a.liveFlagged,
      shadowFlagged: a.shadowFlagged,
    };
  }

  stats(): Record<string, unknown> {
    const n = Math.max(this.phaseMs.orders, 1);
    const meanMs = Object.fromEntries((['graph', 'model', 'explain', 'commit'] as const).map((k) => [k, Math.round((this.phaseMs[k] / n) * 100) / 100]));
    return { model: this.version, backend: this.backend, coldStarts: this.coldStarts, meanMsPerOrder: meanMs, batches: this.batcher.counters, graph: this.deps.store.stats(), shadow: this.shadowStats() ?? null };
  }

  async score(order: OrderPlacedEvent): Promise<Score> {
    const remembered = this.scored.get(order.orderId);
    if (remembered) return remembered;
    const { graph, store } = this.deps;
    const t0 = performance.now();
    await store.hydrate(order);
    // Cold start: nothing known about the shopper before this order (also on a redelivery of that first order).
    const userOrders = graph.recentOrders(`user:${order.userId}`);
    const coldStart = userOrders.length === 0 || (userOrders.length === 1 && userOrders[0] === order.orderId);
    graph.ingest(order);
    const subgraph = sampleOrder(graph, order.orderId, { fanout: this.live.model.config.fanout });
    const t1 = performance.now();
    const base = await this.batcher.submit({ subgraph });
    const t2 = performance.now();
    const explanation = base.probability >= (this.explainAbove ?? base.thresholds.review) ? await this.explain(order, subgraph, base) : { reasons: [], neighbourhood: this.minimalNeighbourhood(order) };
    const reasons = [...explanation.reasons];
    if (coldStart) {
      this.coldStarts += 1;
      reasons.push({ kind: 'feature', code: 'cold_start', description: `first order seen from shopper ${order.userId}: scored on the order, its device, card, address and merchant alone`, weight: 0 });
    }
    const result: Score = {
      score: round(base.probability),
      reasons,
      neighbourhood: explanation.neighbourhood,
      modelVersion: base.modelVersion,
      backend: base.backend,
      thresholds: base.thresholds,
      coldStart,
      ...(base.shadow ? { shadow: { modelVersion: base.shadow.modelVersion, score: round(base.shadow.probability), thresholds: base.shadow.thresholds } } : {}),
    };
    const t3 = performance.now();
    this.phaseMs.graph += t1 - t0;
    this.phaseMs.model += t2 - t1;
    this.phaseMs.explain += t3 - t2;
    this.phaseMs.orders += 1;
    this.scored.set(order.orderId, result);
    if (this.scored.size > GNN_SCORER_DEFAULTS.rememberedScores) this.scored.delete(this.scored.keys().next().value!);
    return result;
  }

  /**
   * Makes the order's place in the graph durable; the message may be acked once this resolves.
   * Called after the score is published, so publishing never waits for the journal: a crash in
   * between redelivers the order, which gets the same score under the same event id.
   */
  async settle(order: OrderPlacedEvent): Promise<void> {
    const t0 = performance.now();
    await this.deps.store.commit(order);
    this.phaseMs.commit += performance.now() - t0;
  }

  /** Occlusion: the score again without each first-hop entity and with each telling feature made ordinary. */
  private async explain(order: OrderPlacedEvent, subgraph: Subgraph, base: BatchResult): Promise<{ reasons: ScoreReason[]; neighbourhood: Neighbourhood }> {
    const variants: Array<{ kind: 'entity'; relation: number } | { kind: 'feature'; probe: (typeof FEATURE_PROBES)[number] }> = [];
    OrderRelations.forEach((_, r) => {
      if (subgraph.hop1[r] !== 0) variants.push({ kind: 'entity', relation: r });
    });
    const selfRow = subgraph.self * DIM;
    for (const probe of FEATURE_PROBES) {
      if (Math.abs(subgraph.rows[selfRow + F[probe.feature]]! - probe.neutral) >= 1e-6) variants.push({ kind: 'feature', probe });
    }
    // The fused engine re-runs only the last two layers per variant; TF.js batches edited copies of the whole subgraph.
    const live = this.live;
    const results: ReadonlyArray<{ probability: number }> =
      live.fused && live.modelVersion === base.modelVersion
        ? Array.from(live.fused.occlusions(subgraph, variants.map((v) => (v.kind === 'entity' ? { relation: v.relation } : { column: F[v.probe.feature], value: v.probe.neutral }))), (probability) => ({ probability }))
        : await this.batcher.submitAll(variants.map((v) => ({ subgraph: occluded(subgraph, v.kind === 'entity' ? { relation: v.relation } : { column: selfRow + F[v.probe.feature], value: v.probe.neutral }) })));
    const reasons: ScoreReason[] = [];
    const drivers: Array<{ relation: (typeof OrderRelations)[number]; key: string; delta: number }> = [];
    results.forEach((res, i) => {
      const delta = base.probability - res.probability;
      if (delta < this.minDelta) return;
      const v = variants[i]!;
      if (v.kind === 'entity') {
        const relation = OrderRelations[v.relation]!;
        const key = subgraph.nodeKeys[subgraph.hop1[v.relation]!]!;
        drivers.push({ relation, key, delta });
        reasons.push(this.entityReason(relation, key, delta));
      } else {
        reasons.push({ kind: 'feature', code: v.probe.code, description: describeFeature(v.probe.code, subgraph.rows[selfRow + F[v.probe.feature]]!, order), weight: delta });
      }
    });
    reasons.sort((a, b) => b.weight - a.weight);
    return { reasons: reasons.slice(0, 6), neighbourhood: this.neighbourhood(order, drivers, reasons) };
  }

  private entityReason(relation: (typeof OrderRelations)[number], key: string, delta: number): ScoreReason {
    const { graph, labels } = this.deps;
    const id = key.slice(key.indexOf(':') + 1);
    const users = relation === 'user' ? [] : graph.neighbours(key, 'user');
    const fraudUsers = users.filter((u) => labels.isFraudUser(u)).length;
    const shared = users.length > 1 ? ` shared with ${users.length} accounts${fraudUsers > 0 ? `, ${fraudUsers} confirmed fraud` : ''}` : '';
    const description =
      relation === 'user'
        ? `shopper ${id}: ${graph.neighbours(key, 'card').length} cards, ${graph.neighbours(key, 'device').length} devices, ${graph.neighbours(key, 'address').length} addresses so far${labels.isFraudUser(id) ? ', confirmed fraud before' : ''}`
        : `${relation} ${display(relation, id)}${shared || ' (its history)'}`;
    return { kind: 'entity', code: `${relation}_neighbourhood`, description, weight: delta, entityType: relation, entityId: id };
  }

  private minimalNeighbourhood(order: OrderPlacedEvent): Neighbourhood {
    return { entities: [{ type: 'user', id: order.userId, role: 'orderer' }], edges: [], pattern: 'unknown' };
  }

  /** The ring: the shared entities that drove the score and the other accounts on them. */
  private neighbourhood(order: OrderPlacedEvent, drivers: ReadonlyArray<{ relation: (typeof OrderRelations)[number]; key: string; delta: number }>, reasons: readonly ScoreReason[]): Neighbourhood {
    const { graph, labels } = this.deps;
    const entities: Array<Neighbourhood['entities'][number]> = [{ type: 'user', id: order.userId, role: 'orderer', ...(labels.isFraudUser(order.userId) ? { confirmedFraud: true } : {}) }];
    const edges: Array<Neighbourhood['edges'][number]> = [];
    const seen = new Set([`user:${order.userId}`]);
    let maxShared = 0;
    for (const d of drivers) {
      if (d.relation === 'user' || d.relation === 'merchant') continue;
      const id = d.key.slice(d.key.indexOf(':') + 1);
      const users = graph.neighbours(d.key, 'user').slice(-GNN_SCORER_DEFAULTS.ringUsersPerEntity);
      maxShared = Math.max(maxShared, users.length);
      entities.push({ type: d.relation as NodeType as Neighbourhood['entities'][number]['type'], id, role: `shared ${d.relation}` });
      for (const u of users) {
        if (!seen.has(`user:${u}`)) entities.push({ type: 'user', id: u, ...(labels.isFraudUser(u) ? { confirmedFraud: true } : {}) });
        seen.add(`user:${u}`);
        edges.push({ from: `user:${u}`, to: d.key, relation: `used_${d.relation}` });
      }
    }
    const codes = new Set(reasons.map((r) => r.code));
    const deviceCards = graph.neighbours(`device:${order.device.deviceId}`, 'card').length;
    const pattern: Neighbourhood['pattern'] =
      deviceCards >= 4 && (codes.has('device_neighbourhood') || codes.has('card_neighbourhood'))
        ? 'card_testing'
        : codes.has('new_device') && codes.has('new_address') && !codes.has('first_order')
          ? 'account_takeover'
          : maxShared >= 3
            ? 'ring'
            : codes.has('cards_per_user') || codes.has('addresses_per_user')
              ? 'mule'
              : 'unknown';
    return { entities, edges, pattern };
  }

  private async runBatch(items: readonly BatchItem[]): Promise<BatchResult[]> {
    // Swaps happen here, between batches: no batch ever mixes two live versions.
    if (this.pendingLive) {
      this.live.model.dispose();
      this.live = this.pendingLive;
      this.pendingLive = undefined;
    }
    if (this.pendingShadow !== undefined) {
      this.shadow?.model.dispose();
      this.shadow = this.pendingShadow ?? undefined;
      this.pendingShadow = undefined;
      this.shadowAcc = { orders: 0, agree: 0, absDiff: 0, liveFlagged: 0, shadowFlagged: 0 };
    }
    const live = this.live;
    const subgraphs = items.map((i) => i.subgraph);
    const { probabilities } = live.fused ? live.fused.predict(subgraphs) : await live.model.predict(subgraphs);
    let shadowProbabilities: Float32Array | undefined;
    const shadow = this.shadow;
    if (shadow) {
      shadowProbabilities = (shadow.fused ? shadow.fused.predict(subgraphs) : await shadow.model.predict(subgraphs)).probabilities;
      const decide = (p: number, t: Thresholds): string => (p >= t.decline ? 'decline' : p >= t.review ? 'review' : 'approve');
      for (let i = 0; i < items.length; i++) {
        const a = decide(probabilities[i]!, live.thresholds);
        const b = decide(shadowProbabilities[i]!, shadow.thresholds);
        this.shadowAcc.orders += 1;
        if (a === b) this.shadowAcc.agree += 1;
        if (a !== 'approve') this.shadowAcc.liveFlagged += 1;
        if (b !== 'approve') this.shadowAcc.shadowFlagged += 1;
        this.shadowAcc.absDiff += Math.abs(probabilities[i]! - shadowProbabilities[i]!);
      }
    }
    return items.map((_, i) => ({
      probability: probabilities[i]!,
      modelVersion: live.modelVersion,
      backend: this.backendOf(live),
      thresholds: live.thresholds,
      ...(shadow && shadowProbabilities ? { shadow: { probability: shadowProbabilities[i]!, modelVersion: shadow.modelVersion, thresholds: shadow.thresholds } } : {}),
    }));
  }

  async close(): Promise<void> {
    this.live.model.dispose();
    this.shadow?.model.dispose();
    this.pendingLive?.model.dispose();
    this.pendingShadow?.model.dispose();
  }
}

/** A copy of `s` without one relation's entity (and its second hop), or with one raw value of the order changed. */
function occluded(s: Subgraph, edit: { relation: number } | { column: number; value: number }): Subgraph {
  if ('relation' in edit) {
    const hop1 = s.hop1.slice();
    const hop2 = s.hop2.slice();
    hop1[edit.relation] = 0;
    hop2.fill(0, edit.relation * s.fanout, (edit.relation + 1) * s.fanout);
    return { ...s, hop1, hop2 };
  }
  const rows = s.rows.slice();
  rows[edit.column] = edit.value;
  return { ...s, rows };
}

function round(p: number): number {
  return Math.round(p * 10_000) / 10_000;
}

function display(relation: string, id: string): string {
  if (relation === 'address') {
    const [country, postcode] = id.split('|');
    return `in ${postcode ?? ''} ${country ?? ''}`.trim();
  }
  return id;
}

function describeFeature(code: string, raw: number, order: OrderPlacedEvent): string {
  const count = (v: number): number => Math.round(Math.expm1(v));
  switch (code) {
    case 'card_country_mismatch':
      return `card issued in ${order.payment.cardCountry ?? 'another country'}, shipping to ${order.shippingAddress.country}`;
    case 'new_device':
      return `first order from device ${order.device.deviceId} for this shopper`;
    case 'new_address':
      return 'new shipping address for this shopper';
    case 'first_order':
      return 'first order of this shopper';
    case 'amount_vs_history':
      return `order total is ${Math.exp(raw).toFixed(1)}x the shopper's earlier average`;
    case 'order_velocity_1h':
      return `${count(raw)} earlier orders by this shopper in the last hour`;
    case 'order_velocity_24h':
      return `${count(raw)} earlier orders by this shopper in the last 24 hours`;
    case 'new_account':
      return `account is ${count(raw)} days old`;
    case 'cards_per_user':
      return `shopper has used ${count(raw)} different cards`;
    case 'devices_per_user':
      return `shopper has used ${count(raw)} different devices`;
    case 'addresses_per_user':
      return `shopper has shipped to ${count(raw)} different addresses`;
    case 'amount':
      return `order total ${(order.total.value / 100).toFixed(2)} ${order.total.currency}`;
    default:
      return code;
  }
}
