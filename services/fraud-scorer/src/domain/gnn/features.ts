import type { OrderPlacedEvent } from '@commerce/contracts';

/** Node types of the heterogeneous graph; the index is the position of the type's one-hot column. */
export const NodeTypes = ['user', 'order', 'device', 'card', 'ip', 'address', 'email', 'merchant'] as const;
export type NodeType = (typeof NodeTypes)[number];
/** Entity types an order links to, one relation each (`order -> user`, `order -> device`, ...). */
export const OrderRelations = ['user', 'device', 'card', 'ip', 'address', 'email', 'merchant'] as const;
export type OrderRelation = (typeof OrderRelations)[number];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Defaults of the graph, each bounded so a hub (a shared office IP, a big merchant) cannot grow without limit. */
export const GRAPH_DEFAULTS = {
  /** Most recent orders kept per entity: the pool the sampler draws second-hop neighbours from. */
  recentOrdersPerEntity: 32,
  /** Most recent distinct neighbours kept per (entity, neighbour type): degree counts saturate here. */
  neighboursPerRelation: 64,
  /** Order timestamps kept per entity for the sliding-window velocity counts. */
  timestampsPerEntity: 64,
} as const;
export type GraphOptions = { -readonly [K in keyof typeof GRAPH_DEFAULTS]: number };

/**
 * Feature layout: one fixed-length Float32 vector for every node type (columns that do not apply
 * to a type are 0), so one table and one `gather` serve the whole graph. Counts are log1p'ed.
 * An order's "entity" columns (8-18) describe its user as it was when the order was placed, so a
 * second-hop order tells its neighbours who placed it.
 */
export const FEATURES = [
  'type_user', 'type_order', 'type_device', 'type_card', 'type_ip', 'type_address', 'type_email', 'type_merchant', // 0-7 one-hot
  'log_orders_total', // 8  orders seen on the node (on the user, for an order)
  'log_orders_1h', // 9  sliding window velocity
  'log_orders_24h', // 10
  'log_orders_7d', // 11
  'log_hours_since_first_seen', // 12
  'log_distinct_users', // 13 users per device/card/address/ip/email/merchant
  'log_distinct_cards', // 14 cards per user/device/...
  'log_distinct_devices', // 15
  'log_distinct_addresses', // 16
  'log_distinct_ips', // 17
  'log_distinct_emails', // 18
  'log_amount_eur', // 19 order amount (mean of recent amounts for other nodes)
  'log_amount_vs_user_mean', // 20 order amount / the user's earlier mean amount (0 without history)
  'log_account_age_days', // 21 at the order (users: at query time)
  'card_country_mismatch', // 22 card issued elsewhere than the shipping country
  'first_order_of_user', // 23
  'new_device_for_user', // 24 user had orders, none from this device
  'new_address_for_user', // 25
  'hour_sin', // 26 hour of day (UTC)
  'hour_cos', // 27
  'pay_card', // 28 payment method one-hot
  'pay_later', // 29
  'pay_instalments', // 30
  'pay_bank_transfer', // 31
] as const;
export const FEATURE_DIM = FEATURES.length;
const F = Object.fromEntries(FEATURES.map((name, i) => [name, i])) as Record<(typeof FEATURES)[number], number>;

/** Rough units per euro, only to put amounts in different currencies on one scale. Unknown currencies count as euro. */
const UNITS_PER_EUR: Readonly<Record<string, number>> = { EUR: 1, SEK: 11.2, NOK: 11.6, DKK: 7.46, GBP: 0.85, USD: 1.08, CHF: 0.95, PLN: 4.3 };

/** Stable key of a shipping address: case, spacing and punctuation do not make a new address. */
export function normaliseAddress(a: OrderPlacedEvent['shippingAddress']): string {
  const norm = (s: string): string => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
  return `${a.country}|${norm(a.postalCode)}|${norm(a.line1)}`;
}

export function nodeKey(type: NodeType, id: string): string {
  return `${type}:${id}`;
}

/** The entity an order links to per relation (normalised: an address or e-mail written differently is the same node). */
export function orderEntityIds(order: OrderPlacedEvent): Record<OrderRelation, string> {
  return {
    user: order.userId,
    device: order.device.deviceId,
    card: order.payment.instrumentId,
    ip: order.device.ip,
    address: normaliseAddress(order.shippingAddress),
    email: order.customer.email.trim().toLowerCase(),
    merchant: order.merchantId,
  };
}

export const GRAPH_SNAPSHOT_FORMAT = 'entity-graph/1';
/** Plain-data form of an EntityGraph (see `toSnapshot`), for snapshots in the blob store. */
export interface GraphSnapshot {
  readonly format: typeof GRAPH_SNAPSHOT_FORMAT;
  readonly options: GraphOptions;
  readonly nodes: ReadonlyArray<{
    type: NodeType;
    id: string;
    firstSeenMs: number;
    ordersTotal: number;
    recentOrders: string[];
    timestamps: number[];
    amounts: number[];
    neighbours: Array<[NodeType, Array<[string, number]>]>;
  }>;
  readonly orders: ReadonlyArray<{ orderId: string; atMs: number; links: Readonly<Record<OrderRelation, string>>; features: number[] }>;
}

interface NodeState {
  readonly type: NodeType;
  readonly id: string;
  readonly firstSeenMs: number;
  ordersTotal: number;
  /** Most recent first-hop orders, oldest first. */
  readonly recentOrders: string[];
  /** Timestamps of recent orders, oldest first (by arrival). */
  readonly timestamps: number[];
  readonly amounts: number[];
  /** Distinct neighbours per type, insertion order = recency (re-inserted on reuse). */
  readonly neighbours: Map<NodeType, Map<string, number>>;
}

interface OrderState {
  readonly orderId: string;
  readonly atMs: number;
  /** Entity key per relation. */
  readonly links: Readonly<Record<OrderRelation, string>>;
  /** Static features, computed once when the order arrived. */
  readonly features: Float32Array;
}

/**
 * The heterogeneous entity graph, built incrementally from `order-placed` events. Deterministic
 * (no wall clock: time is the order's `placedAt`) and idempotent: a redelivered order id is a no-op.
 */
export class EntityGraph {
  readonly options: GraphOptions;
  private readonly nodes = new Map<string, NodeState>();
  private readonly orders = new Map<string, OrderState>();

  constructor(options: Partial<GraphOptions> = {}) {
    this.options = { ...GRAPH_DEFAULTS, ...options };
  }

  get orderCount(): number {
    return this.orders.size;
  }
  get nodeCount(): number {
    return this.nodes.size + this.orders.size;
  }

  hasOrder(orderId: string): boolean {
    return this.orders.has(orderId);
  }

  /** Folds an order into the graph. Returns false when the order id was already seen (nothing changes). */
  ingest(order: OrderPlacedEvent): boolean {
    if (this.orders.has(order.orderId)) return false;
    const atMs = Date.parse(order.placedAt);
    if (!Number.isFinite(atMs)) throw new RangeError(`order ${order.orderId} has an invalid placedAt: ${order.placedAt}`);
    const ids = orderEntityIds(order);
    const links = Object.fromEntries(OrderRelations.map((r) => [r, nodeKey(r, ids[r])])) as Record<OrderRelation, string>;
    const amountEur = order.total.value / 100 / (UNITS_PER_EUR[order.total.currency] ?? 1);

    // Order features look at the user as it was just before this order.
    const user = this.nodes.get(links.user);
    const features = new Float32Array(FEATURE_DIM);
    features[NodeTypes.indexOf('order')] = 1;
    if (user) this.fillEntityColumns(features, user, atMs);
    features[F.log_amount_eur] = Math.log1p(amountEur);
    const history = user?.amounts ?? [];
    if (history.length > 0) features[F.log_amount_vs_user_mean] = Math.log((amountEur + 1) / (mean(history) + 1));
    const accountAgeDays = Math.max(0, (atMs - Date.parse(order.customer.accountCreatedAt)) / DAY_MS);
    features[F.log_account_age_days] = Number.isFinite(accountAgeDays) ? Math.log1p(accountAgeDays) : 0;
    features[F.card_country_mismatch] = order.payment.cardCountry && order.payment.cardCountry !== order.shippingAddress.country ? 1 : 0;
    features[F.first_order_of_user] = user ? 0 : 1;
    if (user) {
      features[F.new_device_for_user] = user.neighbours.get('device')?.has(links.device) ? 0 : 1;
      features[F.new_address_for_user] = user.neighbours.get('address')?.has(links.address) ? 0 : 1;
    }
    const hour = ((atMs % DAY_MS) / HOUR_MS / 24) * 2 * Math.PI;
    features[F.hour_sin] = Math.sin(hour);
    features[F.hour_cos] = Math.cos(hour);
    const pay = { card: F.pay_card, pay_later: F.pay_later, instalments: F.pay_instalments, bank_transfer: F.pay_bank_transfer }[order.payment.method];
    features[pay] = 1;

    this.orders.set(order.orderId, { orderId: order.orderId, atMs, links, features });
    for (const r of OrderRelations) {
      const node = this.node(r, ids[r], atMs);
      node.ordersTotal += 1;
      pushBounded(node.recentOrders, order.orderId, this.options.recentOrdersPerEntity);
      pushBounded(node.timestamps, atMs, this.options.timestampsPerEntity);
      pushBounded(node.amounts, amountEur, this.options.timestampsPerEntity);
      for (const other of OrderRelations) {
        if (other === r) continue;
        let m = node.neighbours.get(other);
        if (!m) node.neighbours.set(other, (m = new Map()));
        m.delete(links[other]); // re-insert: Map order is recency order
        m.set(links[other], atMs);
        if (m.size > this.options.neighboursPerRelation) m.delete(m.keys().next().value!);
      }
    }
    return true;
  }

  /** The entity key per relation of an order, or undefined for an unknown order. */
  orderLinks(orderId: string): Readonly<Record<OrderRelation, string>> | undefined {
    return this.orders.get(orderId)?.links;
  }

  /** Most recent orders of an entity (oldest first). */
  recentOrders(entityKey: string): readonly string[] {
    return this.nodes.get(entityKey)?.recentOrders ?? [];
  }

  orderTime(orderId: string): number | undefined {
    return this.orders.get(orderId)?.atMs;
  }

  /** Ids (without the `type:` prefix) of the distinct neighbours of one type around an entity, most recent last: e.g. the users of a device. */
  neighbours(entityKey: string, type: NodeType): readonly string[] {
    const prefix = type.length + 1;
    return [...(this.nodes.get(entityKey)?.neighbours.get(type)?.keys() ?? [])].map((k) => k.slice(prefix));
  }

  /** Whether an entity (`user:u-1`, `device:d-9`, ...) has been seen. */
  hasNode(key: string): boolean {
    return this.nodes.has(key);
  }

  /** The whole state as plain JSON-able data: a snapshot restores exactly this graph. */
  toSnapshot(): GraphSnapshot {
    return {
      format: GRAPH_SNAPSHOT_FORMAT,
      options: { ...this.options },
      nodes: [...this.nodes.values()].map((n) => ({
        type: n.type,
        id: n.id,
        firstSeenMs: n.firstSeenMs,
        ordersTotal: n.ordersTotal,
        recentOrders: [...n.recentOrders],
        timestamps: [...n.timestamps],
        amounts: [...n.amounts],
        neighbours: [...n.neighbours].map(([t, m]) => [t, [...m]] as [NodeType, Array<[string, number]>]),
      })),
      orders: [...this.orders.values()].map((o) => ({ orderId: o.orderId, atMs: o.atMs, links: o.links, features: Array.from(o.features) })),
    };
  }

  static fromSnapshot(snapshot: GraphSnapshot): EntityGraph {
    if (snapshot.format !== GRAPH_SNAPSHOT_FORMAT) throw new RangeError(`unsupported graph snapshot format ${String(snapshot.format)} (expected ${GRAPH_SNAPSHOT_FORMAT})`);
    const graph = new EntityGraph(snapshot.options);
    for (const n of snapshot.nodes) {
      graph.nodes.set(nodeKey(n.type, n.id), {
        type: n.type,
        id: n.id,
        firstSeenMs: n.firstSeenMs,
        ordersTotal: n.ordersTotal,
        recentOrders: [...n.recentOrders],
        timestamps: [...n.timestamps],
        amounts: [...n.amounts],
        neighbours: new Map(n.neighbours.map(([t, entries]) => [t, new Map(entries)])),
      });
    }
    for (const o of snapshot.orders) graph.orders.set(o.orderId, { orderId: o.orderId, atMs: o.atMs, links: o.links, features: Float32Array.from(o.features) });
    return graph;
  }

  /**
   * Raw (unnormalised) features of a node as of `atMs`: an order's are fixed at arrival, an
   * entity's sliding windows and ages are evaluated at `atMs`. Unknown nodes give zeros.
   */
  features(key: string, atMs: number): Float32Array {
    const out = new Float32Array(FEATURE_DIM);
    this.writeFeatures(key, atMs, out);
    return out;
  }

  /** An order's features (fixed at arrival) into `out` at `offset`; nothing for an unknown order. */
  writeOrderFeatures(orderId: string, out: Float32Array, offset = 0): void {
    const order = this.orders.get(orderId);
    if (order) out.set(order.features, offset);
  }

  /** `features`, written into `out` (which must be zeros) at `offset`: the sampler fills one table without a copy per node. */
  writeFeatures(key: string, atMs: number, out: Float32Array, offset = 0): void {
    const order = key.startsWith('order:') ? this.orders.get(key.slice(6)) : undefined;
    if (order) {
      out.set(order.features, offset);
      return;
    }
    const node = this.nodes.get(key);
    if (!node) return;
    const row = offset === 0 && out.length === FEATURE_DIM ? out : out.subarray(offset, offset + FEATURE_DIM);
    row[NodeTypes.indexOf(node.type)] = 1;
    this.fillEntityColumns(row, node, atMs);
    row[F.log_amount_eur] = node.amounts.length > 0 ? Math.log1p(mean(node.amounts)) : 0;
  }

  private fillEntityColumns(out: Float32Array, node: NodeState, atMs: number): void {
    out[F.log_orders_total] = Math.log1p(node.ordersTotal);
    out[F.log_orders_1h] = Math.log1p(countWithin(node.timestamps, atMs, HOUR_MS));
    out[F.log_orders_24h] = Math.log1p(countWithin(node.timestamps, atMs, DAY_MS));
    out[F.log_orders_7d] = Math.log1p(countWithin(node.timestamps, atMs, 7 * DAY_MS));
    out[F.log_hours_since_first_seen] = Math.log1p(Math.max(0, atMs - node.firstSeenMs) / HOUR_MS);
    const degree = (t: NodeType): number => (t === node.type ? 1 : (node.neighbours.get(t)?.size ?? 0));
    out[F.log_distinct_users] = Math.log1p(degree('user'));
    out[F.log_distinct_cards] = Math.log1p(degree('card'));
    out[F.log_distinct_devices] = Math.log1p(degree('device'));
    out[F.log_distinct_addresses] = Math.log1p(degree('address'));
    out[F.log_distinct_ips] = Math.log1p(degree('ip'));
    out[F.log_distinct_emails] = Math.log1p(degree('email'));
  }

  private node(type: NodeType, id: string, atMs: number): NodeState {
    const key = nodeKey(type, id);
    let n = this.nodes.get(key);
    if (!n) {
      n = { type, id, firstSeenMs: atMs, ordersTotal: 0, recentOrders: [], timestamps: [], amounts: [], neighbours: new Map() };
      this.nodes.set(key, n);
    }
    return n;
  }
}

function pushBounded<T>(list: T[], value: T, max: number): void {
  list.push(value);
  if (list.length > max) list.splice(0, list.length - max);
}

/** Events in (atMs - windowMs, atMs]: later ones (out-of-order arrivals) do not count. */
function countWithin(timestamps: readonly number[], atMs: number, windowMs: number): number {
  let n = 0;
  for (const t of timestamps) if (t <= atMs && atMs - t < windowMs) n += 1;
  return n;
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length === 0 ? 0 : s / xs.length;
}

/** Serialisable per-column standardisation, fitted on training rows. */
export interface NormaliserJson {
  readonly mean: number[];
  readonly std: number[];
}

export class Normaliser {
  private constructor(
    readonly mean: Float32Array,
    readonly std: Float32Array,
  ) {}

  /** Fits on `rows` (row-major, `dim` columns). Near-constant columns get std 1 so they pass through centred. */
  static fit(rows: Float32Array, dim: number = FEATURE_DIM): Normaliser {
    const n = rows.length / dim;
    if (!Number.isInteger(n) || n === 0) throw new RangeError(`cannot fit a normaliser on ${rows.length} values of dimension ${dim}`);
    const mu = new Float64Array(dim);
    const sq = new Float64Array(dim);
    for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mu[j]! += rows[i * dim + j]!;
    for (let j = 0; j < dim; j++) mu[j]! /= n;
    for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) sq[j]! += (rows[i * dim + j]! - mu[j]!) ** 2;
    const std = Float32Array.from(sq, (s) => {
      const sd = Math.sqrt(s / n);
      return sd < 1e-6 ? 1 : sd;
    });
    return new Normaliser(Float32Array.from(mu), std);
  }

  static fromJSON(json: NormaliserJson): Normaliser {
    if (json.mean.length !== json.std.length) throw new RangeError('normaliser mean and std differ in length');
    return new Normaliser(Float32Array.from(json.mean), Float32Array.from(json.std));
  }

  toJSON(): NormaliserJson {
    return { mean: Array.from(this.mean), std: Array.from(this.std) };
  }

  /** Normalises rows in place, leaving all-zero rows (the padding "null" node) at zero. */
  applyInPlace(rows: Float32Array): Float32Array {
    const dim = this.mean.length;
    for (let i = 0; i < rows.length; i += dim) {
      let any = false;
      for (let j = 0; j < dim; j++) if (rows[i + j] !== 0) any = true;
      if (!any) continue;
      for (let j = 0; j < dim; j++) rows[i + j] = (rows[i + j]! - this.mean[j]!) / this.std[j]!;
    }
    return rows;
  }
}
