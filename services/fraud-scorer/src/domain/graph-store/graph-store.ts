import type { OrderPlacedEvent } from '@commerce/contracts';
import type { EntityGraph } from '../gnn/features.js';

/**
 * Where the scorer's entity graph lives between processes. The scorer always works on an
 * in-memory `EntityGraph` (the working set); a store makes it durable and, for Bigtable, shared.
 *
 * The protocol for each order: `hydrate(order)` (bring what the order touches into the working
 * set), ingest it into the graph and score it, then `commit(order)`, which resolves only when the
 * order is durable. The message is acknowledged after that, so a crash at any point loses nothing:
 * an order not committed is redelivered, and ingesting it again is a no-op by order id.
 */
export interface GraphStore {
  readonly kind: 'memory' | 'bigtable';
  readonly description: string;
  /** The working set at start: restored from the last snapshot and journal (memory) or empty (Bigtable reads through). */
  open(): Promise<EntityGraph>;
  /** Makes the entities this order touches, and their recent orders, present in the working set. */
  hydrate(order: OrderPlacedEvent): Promise<void>;
  /** Resolves once the order is durable. Orders committed together are written together. */
  commit(order: OrderPlacedEvent): Promise<void>;
  /** Writes what is pending (a final snapshot for memory) and releases connections. */
  close(): Promise<void>;
  /** What a health endpoint shows. */
  stats(): Record<string, number | string>;
}
