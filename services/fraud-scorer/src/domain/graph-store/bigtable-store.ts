import type { OrderPlacedEvent } from '@commerce/contracts';
import { Bigtable, type Table } from '@google-cloud/bigtable';
import { EntityGraph, OrderRelations, nodeKey, orderEntityIds, type GraphOptions, type OrderRelation } from '../gnn/features.js';
import type { GraphStore } from './graph-store.js';

export const BIGTABLE_STORE_DEFAULTS = {
  table: 'fraud-graph',
  /** Column family holding one cell per order on each entity row. */
  family: 'o',
  /** Orders read back per entity when hydrating: the bounded neighbour list. */
  recentPerEntity: 32,
  /** Cells older than this are garbage-collected by Bigtable itself (the family's GC rule). */
  retentionDays: 180,
} as const;

export interface BigtableGraphStoreOptions {
  readonly projectId: string;
  readonly instanceId: string;
  readonly tableId?: string;
  /** host:port of an emulator; production uses Application Default Credentials. */
  readonly emulatorHost?: string;
  readonly recentPerEntity?: number;
  readonly graphOptions?: Partial<GraphOptions>;
  /** Create the table (and its GC rule) if it is missing: for the emulator and first deployments. */
  readonly createTable?: boolean;
}

/** Newest first within a row: Bigtable sorts qualifiers, so the qualifier leads with an inverted time. */
const MAX_MS = 9_999_999_999_999;
const qualifier = (atMs: number, orderId: string): string => `${String(MAX_MS - atMs).padStart(13, '0')}#${orderId}`;

/**
 * One row per entity per hour of order time (`e#<type>:<id>#<inverted hour>`), newest hour first.
 * A single row per entity would grow without bound on hubs (a large merchant takes hundreds of
 * thousands of orders a day, and Bigtable rows must stay well under 256 MB); an hour of a hub's
 * orders is a few tens of MB at most, and the family's age rule drops old rows whole.
 */
const HOUR_MS = 3_600_000;
const MAX_HOUR = 99_999_999;
export const entityRowPrefix = (entityKey: string): string => `e#${entityKey}#`;
const entityRow = (entityKey: string, atMs: number): string => `${entityRowPrefix(entityKey)}${String(MAX_HOUR - Math.floor(atMs / HOUR_MS)).padStart(8, '0')}`;

/** The entity keys (`device:d-1`, ...) an order touches, the same ones the EntityGraph links it to. */
export function orderEntityKeys(order: OrderPlacedEvent): Record<OrderRelation, string> {
  const ids = orderEntityIds(order);
  return Object.fromEntries(OrderRelations.map((r) => [r, nodeKey(r, ids[r])])) as Record<OrderRelation, string>;
}

/**
 * Cloud Bigtable as the shared graph, for when one machine is not enough: every scorer instance
 * appends each order to the rows of the entities it touches (row `e#<type>:<id>#<hour>`, one cell
 * per order, newest first), and before scoring reads back the most recent K orders of each entity
 * the new order touches and folds them into its local working set. Writes are append-only cells, so
 * two instances updating the same device at once cannot lose each other's orders.
 *
 * What the working set sees is each entity's last K orders (K = `recentPerEntity`), the same bound
 * the in-memory graph keeps for sampling; long-run totals (orders ever seen on a card) are
 * therefore counted within that window.
 */
export class BigtableGraphStore implements GraphStore {
  readonly kind = 'bigtable' as const;
  readonly description: string;
  private readonly table: Table;
  private readonly family = BIGTABLE_STORE_DEFAULTS.family;
  private readonly recent: number;
  private graph: EntityGraph | undefined;
  private readonly client: Bigtable;
  private counts = { rowsRead: 0, ordersHydrated: 0, commits: 0 };

  constructor(private readonly options: BigtableGraphStoreOptions) {
    // Client-side metrics go to Cloud Monitoring and need credentials: off on an emulator, where
    // they would fail in the background with "Could not load the default credentials".
    this.client = new Bigtable({ projectId: options.projectId, ...(options.emulatorHost ? { apiEndpoint: options.emulatorHost, metricsEnabled: false } : {}) });
    const tableId = options.tableId ?? BIGTABLE_STORE_DEFAULTS.table;
    this.table = this.client.instance(options.instanceId).table(tableId);
    this.recent = options.recentPerEntity ?? BIGTABLE_STORE_DEFAULTS.recentPerEntity;
    this.description = `Bigtable ${options.projectId}/${options.instanceId}/${tableId}${options.emulatorHost ? ` on emulator ${options.emulatorHost}` : ''}`;
  }

  async open(): Promise<EntityGraph> {
    const [exists] = await this.table.exists();
    if (!exists) {
      if (!this.options.createTable) {
        throw new Error(`${this.description} does not exist: create it (column family '${this.family}') or set BIGTABLE_CREATE_TABLE=true`);
      }
      await this.table.create({ families: [{ name: this.family, rule: { age: { seconds: BIGTABLE_STORE_DEFAULTS.retentionDays * 86_400, nanos: 0 } } }] });
    }
    this.graph = new EntityGraph({ ...this.options.graphOptions, recentOrdersPerEntity: this.recent });
    return this.graph;
  }

  async hydrate(order: OrderPlacedEvent): Promise<void> {
    const graph = this.graph;
    if (!graph) throw new Error('BigtableGraphStore.hydrate before open');
    const found = new Map<string, OrderPlacedEvent>();
    const perEntity = await Promise.all(Object.values(orderEntityKeys(order)).map((k) => this.recentOrdersOf(k)));
    for (const values of perEntity) {
      for (const value of values) {
        const past = JSON.parse(value) as OrderPlacedEvent;
        if (past.orderId !== order.orderId && !graph.hasOrder(past.orderId)) found.set(past.orderId, past);
      }
    }
    // Fold in time order, so each past order's features see its user's history as it was.
    const past = [...found.values()].sort((a, b) => Date.parse(a.placedAt) - Date.parse(b.placedAt));
    for (const p of past) graph.ingest(p);
    this.counts.ordersHydrated += past.length;
  }

  /**
   * The newest K orders of an entity (JSON), reading its hourly rows newest first and stopping as
   * soon as K are in hand: a hub costs one or two rows, a quiet shopper as many as it takes.
   */
  private recentOrdersOf(entityKey: string): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const out: string[] = [];
      const stream = this.table.createReadStream({ prefix: entityRowPrefix(entityKey), filter: [{ row: { cellLimit: this.recent } }] });
      stream.on('data', (row: { data: Record<string, Record<string, Array<{ value: string | Buffer }>>> }) => {
        this.counts.rowsRead += 1;
        if (out.length >= this.recent) return; // rows already on their way after end()
        for (const versions of Object.values(row.data[this.family] ?? {})) {
          const value = versions[0]?.value;
          if (value !== undefined && out.length < this.recent) out.push(Buffer.isBuffer(value) ? value.toString('utf8') : value);
        }
        if (out.length >= this.recent) stream.end();
      });
      stream.on('error', reject);
      stream.on('end', () => resolve(out));
    });
  }

  async commit(order: OrderPlacedEvent): Promise<void> {
    const atMs = Date.parse(order.placedAt);
    const value = JSON.stringify(order);
    const q = qualifier(atMs, order.orderId);
    const entries = Object.values(orderEntityKeys(order)).map((k) => ({
      key: entityRow(k, atMs),
      data: { [this.family]: { [q]: { value, timestamp: new Date(atMs) } } },
    }));
    await this.table.insert(entries);
    this.counts.commits += 1;
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  stats(): Record<string, number | string> {
    return { store: this.kind, workingSetOrders: this.graph?.orderCount ?? 0, ...this.counts };
  }
}
